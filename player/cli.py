"""The `compassion` command line: argument parsing, calling the service, and turning errors into messages.

Expected problems print one clear message and exit 2 (input or set-up) or 1 (the work failed); only real
bugs may show a traceback.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from player import __version__
from player.errors import CompassionError, ScriptError

EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with one line and a pointer to --help
        self.print_usage(sys.stderr)
        self.exit(2, f"error: {message}\nhint: run `{self.prog} --help` for details\n")


MAX_MINUTES = 24 * 60


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of minutes")
    if value <= 0:
        raise argparse.ArgumentTypeError("minutes must be more than 0")
    if value > MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"{text} minutes is more than a day; the most is {MAX_MINUTES} (each exercise shows its own range "
            "in `compassion list`)")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", help="keep progress and settings in DIR (env COMPASSION_DATA_DIR)")

    parser = _Parser(
        prog="compassion",
        description="Guided compassionate-mind practice: play, render and track an 8-week course.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"compassion-player {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("render", parents=[common], help="render an exercise, a week or the course to audio files")
    p.add_argument("target", metavar="TARGET", help="exercise id, path to a .toml script, week:N, or course")
    p.add_argument("-o", "--output", metavar="OUT", type=Path, help="output file (or folder for week:N / course)")
    p.add_argument("--format", choices=("wav", "mp3", "ogg", "flac"), help="audio format (default: from OUT, else wav)")
    p.add_argument("--minutes", type=_minutes, metavar="N", help="stretch the elastic pauses to make N minutes")
    p.add_argument("--captions", choices=("vtt", "lrc", "none"), default="vtt", help="caption sidecar (default vtt)")
    p.add_argument("--engine", choices=("auto", "pyttsx3", "piper"), help="speech engine (default from settings)")
    p.add_argument("--background", metavar="NAME", help="ambience under the session (brown, rain, drone) or none")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("validate", parents=[common], help="check scripts and report every problem with its line")
    p.add_argument("paths", nargs="+", metavar="PATH", type=Path)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("info", parents=[common], help="describe an exercise: steps, speech, pauses, length range")
    p.add_argument("target", metavar="TARGET", help="exercise id or path to a .toml script")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--engine", choices=("auto", "pyttsx3", "piper"), help="speech engine used to measure speech")
    p.set_defaults(func=cmd_info)
    p = sub.add_parser("list", parents=[common], help="the course's weeks and exercises, and your own scripts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--engine", choices=("auto", "pyttsx3", "piper"), help="speech engine the lengths are measured with")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("play", parents=[common], help="play an exercise with live captions")
    p.add_argument("target", metavar="TARGET", help="exercise id or path to a .toml script")
    p.add_argument("--minutes", type=_minutes, metavar="N", help="length in minutes (within the exercise's range)")
    p.add_argument("--no-audio", action="store_true", help="play silently, captions only")
    p.add_argument("--no-tui", action="store_true", help="play in the plain terminal (Ctrl-C stops)")
    p.add_argument("--engine", choices=("auto", "pyttsx3", "piper"), help="speech engine")
    p.add_argument("--background", metavar="NAME", help="ambience under the session (brown, rain, drone) or none")
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("voices", parents=[common], help="every voice of every installed speech engine")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_voices)

    p = sub.add_parser("record", parents=[common], help="log practice done elsewhere (for example with rendered files)")
    p.add_argument("target", metavar="EXERCISE", help="exercise id or path to a .toml script")
    p.add_argument("--at", metavar="WHEN", help="when it started, ISO-8601 with offset (default: now)")
    p.add_argument("--minutes", type=_minutes, metavar="M", help="how long it was (default: its shortest length)")
    p.add_argument("--partial", action="store_true", help="you stopped early; give --listened")
    p.add_argument("--listened", type=float, metavar="S", help="seconds you listened to")
    p.add_argument("--mood-before", type=_mood, metavar="0-10", help="check-in before: how kind to yourself, 0 to 10")
    p.add_argument("--mood-after", type=_mood, metavar="0-10", help="check-in after, 0 to 10")
    p.set_defaults(func=cmd_record)

    p = sub.add_parser("stats", parents=[common], help="streaks, totals and course progress")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="evaluate as of this practice date")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("history", parents=[common], help="every session you have recorded")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON")
    fmt.add_argument("--csv", action="store_true", help="print CSV")
    p.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="only from this practice date on")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("export", parents=[common], help="save all your sessions to a JSON file you own")
    p.add_argument("file", metavar="FILE.json", type=Path)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import", parents=[common], help="add sessions from an export file (duplicates skipped)")
    p.add_argument("file", metavar="FILE.json", type=Path)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("cache", parents=[common], help="how much disk space made speech takes, or clear it")
    p.add_argument("action", nargs="?", choices=("show", "clear"), default="show", help="show (default) or clear")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_cache)

    p = sub.add_parser("config", parents=[common], help="show or change settings")
    p.add_argument("action", choices=("get", "set", "list"), help="get KEY, set KEY VALUE, or list all")
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")
    p.set_defaults(func=cmd_config)
    return parser


def _mood(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a check-in is a whole number from 0 to 10") from None
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError("a check-in is a whole number from 0 to 10")
    return value


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-24") from None


# -- progress on stderr ---------------------------------------------------------------------------


class ProgressBar:
    """A one-line bar on stderr, drawn only when stderr is a terminal."""

    LABELS = {"speech": "preparing speech", "audio": "writing audio"}

    def __init__(self, prefix: str = "") -> None:
        self.enabled = sys.stderr.isatty()
        self.prefix = prefix
        self._last = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        width = 28
        filled = int(width * done / total)
        kind, _, what = phase.partition(":")
        label = self.LABELS.get(kind, kind) + (f" {what}" if what else "")
        line = f"\r{self.prefix}[{'#' * filled}{'.' * (width - filled)}] {100 * done // total:3d}% {label}"
        if line != self._last:
            sys.stderr.write(line.ljust(78)[:79])
            sys.stderr.flush()
            self._last = line

    def clear(self) -> None:
        if self.enabled and self._last:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()
            self._last = ""


# -- commands -------------------------------------------------------------------------------------


def _context(args):
    from player import service

    return service.open_context(getattr(args, "data_dir", None))


def cmd_render(args) -> int:
    from player import service
    from player.files import safe_name

    ctx = _context(args)
    if args.target == "course" or args.target.startswith("week:"):
        from player import batch

        return _render_collection(ctx, args, *batch.parse_target(args.target))
    entry, script = service.resolve_script(ctx, args.target)
    fmt = service.output_format(args.output, args.format)
    out = args.output or Path(f"{safe_name(entry.id)}.{fmt}")
    if out.is_dir():
        out = out / f"{safe_name(entry.id)}.{fmt}"
    elif args.output is not None and out.suffix.lower().lstrip(".") != fmt:
        out = out.with_name(out.name + f".{fmt}") if not out.suffix else out.with_suffix(f".{fmt}")
    bar = ProgressBar()
    try:
        tags = service.default_tags(ctx, entry, script)
        result = service.render(ctx, script, out, fmt, args.minutes, args.captions, args.engine, tags, bar,
                                args.background)
    finally:
        bar.clear()
    print(result.audio)
    return 0


def _render_collection(ctx, args, kind: str, number: int | None) -> int:
    from player import batch, service

    course = ctx.catalog.course
    if kind == "week":
        week = course.week(number)
        if week is None:
            raise CompassionError(f"there is no week {number}", f"the course has weeks 1 to {len(course.weeks)}")
        weeks, nested = [week], False
        default_dir = Path(f"week{number}")
    else:
        weeks, nested = list(course.weeks), True
        default_dir = Path("course")
    out_dir = args.output or default_dir
    if out_dir.exists() and not out_dir.is_dir():
        raise CompassionError(f"{out_dir} is a file; {args.target} needs a folder", "give a folder with -o DIR")
    fmt = service.output_format(None, args.format)
    bar = ProgressBar()
    try:
        result = batch.render_weeks(ctx, weeks, out_dir, fmt, args.minutes, args.captions, args.engine, nested, bar,
                                    args.background)
    finally:
        bar.clear()
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for path in result.written:
        print(path)
    if result.skipped:
        print(f"{len(result.skipped)} file(s) already up to date, skipped", file=sys.stderr)
    for path in result.playlists:
        print(path)
    return 0


def cmd_validate(args) -> int:
    ctx = _context(args)
    bad = False
    for path in args.paths:
        try:
            ctx.catalog.load_path(path)
        except ScriptError as exc:
            bad = True
            for line in exc.lines():
                print(line, file=sys.stderr)
            continue
        print(f"{path}: ok")
    return 2 if bad else 0


def cmd_info(args) -> int:
    from player import service
    from player.model.script import Gap, Speech

    ctx = _context(args)
    entry, script = service.resolve_script(ctx, args.target)
    p = service.plan(ctx, script, args.engine, synthesize=False)
    events = script.events()
    gaps = [e.pause for e in events if isinstance(e, Gap)]
    lo, hi = p.range_minutes()
    low_s, high_s = p.range_seconds()
    info = {
        "id": script.id,
        "title": script.title,
        "summary": script.summary,
        "kind": script.kind,
        "week": entry.week,
        "path": str(entry.path),
        "steps": len(script.steps),
        "spoken_segments": sum(1 for e in events if isinstance(e, Speech)),
        "pause_seconds": {"min": round(sum(g.low for g in gaps), 1), "max": round(sum(g.high for g in gaps), 1)},
        "engine": p.voice.engine,
        "duration_seconds": {"min": round(low_s, 1), "max": round(high_s, 1)},
        "min_minutes": lo,
        "max_minutes": hi,
        "exact": p.exact,
    }
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"{info['title']}  ({info['id']})")
    if script.summary:
        print(f"  {script.summary}")
    if script.kind:
        print(f"  kind: {script.kind}" + (f", week {entry.week}" if entry.week else ""))
    print(f"  steps: {info['steps']}, spoken segments: {info['spoken_segments']}")
    print(f"  pauses: {info['pause_seconds']['min']:g} to {info['pause_seconds']['max']:g} seconds")
    print(f"  length: {_span(lo, hi, p.exact)} (voice: {p.voice.engine})")
    return 0


def _span(lo: float, hi: float, exact: bool = True) -> str:
    about = "" if exact else "about "
    return f"{about}{lo:g} minutes" if lo == hi else f"{about}{lo:g} to {hi:g} minutes"


def cmd_list(args) -> int:
    from player import service

    ctx = _context(args)
    listing = service.course_listing(ctx, args.engine)
    if args.json:
        print(json.dumps(listing, indent=2, ensure_ascii=False))
        return 0
    print(listing["title"])
    for week in listing["weeks"]:
        print(f"\nWeek {week['number']}: {week['theme']}")
        print(f"  {week['intention']}")
        for ex in week["exercises"]:
            print(f"  {ex['id']:<34} {ex['kind']:<9} {_length(ex)}")
    if listing["my_scripts"]:
        print("\nMy scripts")
        for ex in listing["my_scripts"]:
            if "error" in ex:
                print(f"  {ex['id']:<34} cannot be used: {ex['error']}")
            else:
                print(f"  {ex['id']:<34} {ex['kind'] or '-':<9} {_length(ex)}")
    return 0


def _length(ex: dict) -> str:
    lo, hi = ex["min_minutes"], ex["max_minutes"]
    about = "" if ex.get("exact", True) else "about "
    return f"{about}{lo:g} min" if lo == hi else f"{about}{lo:g} to {hi:g} min"


def cmd_play(args) -> int:
    import concurrent.futures as cf

    from player import practice, service, tracking
    from player.playback import backends

    ctx = _context(args)
    entry, script = service.resolve_script(ctx, args.target)
    # The same checks whatever the screen: engine, ambience, and a length the exercise can run to (at once
    # when every length is known; after making the speech otherwise).
    service.speak_as(script, ctx.settings, args.engine)
    service.resolve_background(script, args.background)
    if not args.no_tui:
        p = service.plan(ctx, script, args.engine, synthesize=False)
        if args.minutes is not None and p.exact:
            p.check(args.minutes)
        return open_tui(args, ctx=ctx, play=(entry, script))
    # Look for an audio device while the session is laid out.
    finder = cf.ThreadPoolExecutor(1).submit(backends.choose, args.no_audio)
    bar = ProgressBar()
    try:
        session = practice.open_session(ctx, entry, script, args.minutes, args.engine, args.background, bar)
    finally:
        bar.clear()
    backend, notice = finder.result()
    if notice:
        print(notice, file=sys.stderr)
    run = practice.Run(session, backend, tracking.SqliteRecorder(ctx), tracking.now_local())
    print(f"{script.title} ({_clock(session.duration)})", flush=True)
    return _plain_playback(run)


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def _plain_playback(run) -> int:
    import time

    tty = sys.stdout.isatty()
    shown = -1
    player = run.player
    run.start()
    try:
        while not run.finished and player.error is None:
            pos = player.position
            i = run.captions.index_at(pos)
            if i != shown and i >= 0:
                shown = i
                line = run.captions.cues[i].text
                print(("\r" + " " * 79 + "\r" if tty else "") + line, flush=True)
            if tty:
                width = 30
                total = max(player.duration, 1e-9)
                filled = min(width, int(width * pos / total))
                sys.stdout.write(f"\r[{'=' * filled}{' ' * (width - filled)}] "
                                 f"{_clock(pos)} / {_clock(total)}" + ("  (preparing speech)" if player.waiting else ""))
                sys.stdout.flush()
            player.wait(0.1)
    except KeyboardInterrupt:
        if tty:
            print()
        completed = run.report()
        heard = player.listened / 60
        print(f"stopped after {heard:.1f} minutes; this session has been kept"
              + (" and counts as done" if completed else ""), file=sys.stderr)
        return 0
    if tty:
        print()
    completed = run.report()
    if player.error is not None:
        raise player.error
    print("Finished. Thank you for practising." + (" This session counts towards your week." if completed else ""))
    return 0


def cmd_voices(args) -> int:
    from player.tts.engines import ENGINE_NAMES, get_engine, piper_installed

    rows = []
    for name in ENGINE_NAMES:
        if name == "piper" and not piper_installed():
            continue
        rows += [{"id": v.id, "engine": v.engine, "language": v.language, "sample_rate": v.sample_rate,
                  "name": v.name} for v in get_engine(name).voices()]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    print(f"{'ID':<28} {'ENGINE':<8} {'LANGUAGE':<10} {'RATE':>6}  NAME")
    for r in rows:
        print(f"{r['id']:<28} {r['engine']:<8} {r['language']:<10} {r['sample_rate']:>6}  {r['name']}")
    if not piper_installed():
        print("\nThe neural voice is not installed: `pip install 'compassion-player[neural]'` adds it.")
    return 0


def cmd_record(args) -> int:
    from player import service, tracking

    ctx = _context(args)
    entry, script = service.resolve_script(ctx, args.target)
    if args.minutes is not None:
        duration = args.minutes * 60
    else:
        duration = service.plan(ctx, script, synthesize=False).range_seconds()[0]
    at = tracking.parse_at(args.at) if args.at else tracking.now_local()
    session, completed = tracking.record_manual(
        ctx, entry, duration, at, args.partial, args.listened, (args.mood_before, args.mood_after))
    day = session.local_date(ctx.settings.day_start_minutes)
    kind = "completed" if completed else f"partial, {session.listened_s / 60:.1f} minutes listened"
    print(f"recorded {script.title} ({entry.id}), {duration / 60:.1f} minutes, {kind}, "
          f"practice day {day.isoformat()}")
    return 0


def cmd_stats(args) -> int:
    from player import tracking

    ctx = _context(args)
    st = tracking.stats(ctx, args.today)
    if args.json:
        print(json.dumps(st.data, indent=2))
        return 0
    from player import wording

    print("\n".join(wording.stats_summary(st, ctx.settings.show_streaks)))
    return 0


def cmd_history(args) -> int:
    from player import tracking
    from player.store.sessions import as_dict

    ctx = _context(args)
    rows = [as_dict(s) for s in tracking.history(ctx, args.since)]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
    elif args.csv:
        import csv

        fields = ["id", "exercise_id", "week", "started_at", "local_date", "duration_s", "listened_s", "completed",
                  "minutes_variant", "mood_before", "mood_after", "source"]
        writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        if not rows:
            print("No sessions recorded yet. Whenever you are ready, `compassion` opens the course.")
        for r in rows:
            mark = "done" if r["completed"] else f"partial ({r['listened_s'] / 60:.1f} min)"
            print(f"{r['local_date']}  {r['started_at'][11:16]}  {r['exercise_id']:<34} "
                  f"{r['duration_s'] / 60:5.1f} min  {mark}")
    return 0


def cmd_export(args) -> int:
    from player import tracking

    n = tracking.export_file(_context(args), args.file)
    print(f"exported {n} session(s) to {args.file}")
    return 0


def cmd_import(args) -> int:
    from player import tracking

    added, skipped = tracking.import_file(_context(args), args.file)
    print(f"imported {added} session(s); {skipped} already present, skipped")
    return 0


def cmd_cache(args) -> int:
    ctx = _context(args)
    if args.action == "clear":
        freed = ctx.cache.clear()
        print(f"cleared {freed / 1e6:.1f} MB of made speech from {ctx.cache.base}; it is made again when needed")
        return 0
    usage = ctx.cache.usage()
    limit = ctx.settings.cache_max_mb
    if args.json:
        print(json.dumps({"path": str(ctx.cache.base), "entries": usage.entries, "bytes": usage.bytes,
                          "max_bytes": limit * 1024 * 1024}, indent=2))
        return 0
    print(f"made speech: {usage.entries} lines, {usage.bytes / 1e6:.1f} MB of at most {limit} MB")
    print(f"folder: {ctx.cache.base}")
    print("`compassion cache clear` empties it; `compassion config set cache_max_mb N` changes the limit")
    return 0


def cmd_config(args) -> int:
    from dataclasses import asdict

    from player import config, tracking

    ctx = _context(args)
    values = asdict(ctx.settings)
    if args.action == "list":
        for key, value in values.items():
            print(f"{key} = {_show(value)}    # {config.DESCRIPTIONS[key]}")
        return 0
    if not args.key:
        raise CompassionError(f"config {args.action} needs a KEY", f"settings: {', '.join(values)}")
    if args.action == "get":
        if args.key not in values:
            config.parse_value(args.key, "")  # raises the friendly unknown-setting error
        print(_show(values[args.key]))
        return 0
    if args.value is None:
        raise CompassionError("config set needs a KEY and a VALUE", config.DESCRIPTIONS.get(args.key))
    value = config.parse_value(args.key, args.value)
    path = tracking.set_setting(ctx, args.key, value)
    print(f"{args.key} = {_show(value)}  (saved in {path})")
    return 0


def _show(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


# -- entry point ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    # A file-size limit should surface as an error we can report, not kill the process.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        return open_tui(args)
    try:
        return args.func(args)
    except CompassionError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("\nstopped; nothing half-written was left behind", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0


def open_tui(args, ctx=None, play=None) -> int:
    """Open the TUI (home screen, or straight into playing one exercise)."""
    from player import service
    from player.tui.app import run_app

    ctx = ctx or service.open_context(getattr(args, "data_dir", None))
    return run_app(ctx, no_audio=getattr(args, "no_audio", False), play=play,
                   minutes=getattr(args, "minutes", None), engine=getattr(args, "engine", None),
                   background=getattr(args, "background", None))
