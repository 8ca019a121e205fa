"""Practising: `play` (in the app or the plain terminal) and `record` (practice done elsewhere)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from player.cli.output import Progress, Terminal, plain_playback, plain_wanted


def cmd_play(args: argparse.Namespace, open_app: Callable[..., int] | None = None) -> int:
    import concurrent.futures as cf

    from player.adapters import paths
    from player.adapters.playback import device
    from player.app import context, practice, recording
    from player.cli.output import clock
    from player.core.calendar import minutes_text

    no_audio = args.no_audio or paths.audio_disabled()
    plain = plain_wanted(args.plain)
    in_terminal = args.no_tui or plain or open_app is None
    # The device is looked for first thing, while the practice is read and laid out.
    finder = cf.ThreadPoolExecutor(1).submit(device.choose, no_audio, True) if in_terminal else None
    ctx = context.open_context(args.data_dir)
    # Anything to tell the listener before the app opens is shown in the app: the terminal is about to be
    # the app's, and a line printed now would be hidden under it.
    for_app: list[str] = []
    if not in_terminal:
        ctx.on_notice = for_app.append
    asked = practice.request(
        ctx, args.target, args.minutes, args.engine, args.background, args.resume, args.course_words
    )
    if asked.nothing_to_resume:
        ctx.on_notice(
            f"there is no part of {asked.entry.id} played in the app in the last week to continue "
            "(a part recorded with `compassion record` has no place to continue from); starting from the beginning"
        )
    if not in_terminal and open_app is not None:
        return open_app(ctx, no_audio=no_audio, play=asked, notices=for_app)
    assert finder is not None
    with Progress(quiet=plain) as bar:
        session = practice.open_session(ctx, asked, bar)
    backend, notice = finder.result()
    if notice:
        print(notice, file=sys.stderr)
    run = practice.Practice(ctx, session, backend, recording.SqliteRecorder(ctx), resume=asked.resume)
    term = Terminal(plain, args.times, args.announce_pauses)
    term.say(f"{asked.script.title} ({minutes_text(session.duration)})")  # as the lists say it
    if run.resume_refused:
        print(
            f"{asked.script.title} has changed since you stopped (its words, voice, length or ambience), so it "
            "starts again from the beginning",
            file=sys.stderr,
        )
    elif run.resume is not None:
        term.say(f"Continuing from {clock(run.resume.position_s or 0)}")
    return plain_playback(run, term)


def cmd_record(args: argparse.Namespace) -> int:
    from player.app import context, library, progress, timer
    from player.core.calendar import minutes_text
    from player.core.errors import CompassionError

    ctx = context.open_context(args.data_dir)
    if args.target == timer.TIMER_ID:  # a sit with a rendered timer, say
        if args.minutes is None:
            raise CompassionError("recording a timer sit needs its length", "add --minutes, like --minutes 10")
        entry, title = timer.entry(), "Timer"
        duration = args.minutes * 60
    else:
        entry, script = library.resolve_script(ctx, args.target)
        title = script.title
        if args.minutes is not None:
            duration = args.minutes * 60
        else:
            duration = library.plan(ctx, script, synthesize=False).range_seconds()[0]
    at = progress.parse_at(ctx, args.at) if args.at else ctx.now()
    session, saved = progress.record_manual(
        ctx, entry, duration, at, args.partial, args.listened, (args.mood_before, args.mood_after)
    )
    if saved.note:
        print(saved.note, file=sys.stderr)
    if not saved.kept:
        return 1
    day = session.local_date(ctx.settings.day_start_minutes)
    kind = "completed" if session.completed else f"partial, {minutes_text(session.listened_s)} listened"
    print(f"recorded {title} ({entry.ident.shown}), {minutes_text(duration)}, {kind}, practice day {day.isoformat()}")
    return 0


def cmd_timer(args: argparse.Namespace, open_app: Callable[..., int] | None = None) -> int:
    """An unguided timer: rendered with -o, else played (in the app, or the plain terminal)."""
    import concurrent.futures as cf

    from player.adapters import paths
    from player.adapters.playback import device
    from player.app import context, practice, recording, render, timer

    ctx = context.open_context(args.data_dir)
    spec = timer.TimerSpec(args.minutes, args.every or 0.0, args.bell or "bowl", args.prepare or 0)
    session = timer.open_session(ctx, spec, args.background)  # checks everything before anything starts
    if args.output is not None:
        fmt = render.output_format(args.output, args.format)
        out = render.output_path("timer", args.output, fmt)
        print(timer.render(ctx, spec, out, fmt, args.background))
        return 0
    no_audio = args.no_audio or paths.audio_disabled()
    plain = plain_wanted(args.plain)
    term = Terminal(plain, args.times, args.announce_pauses)
    if not (args.no_tui or plain) and open_app is not None:
        return open_app(ctx, no_audio=no_audio, timer=spec, background=args.background)
    backend, notice = cf.ThreadPoolExecutor(1).submit(device.choose, no_audio).result()
    if notice:
        print(notice, file=sys.stderr)
    captions = practice.Captions(tuple(timer.cues(spec)))
    run = practice.Practice(ctx, session, backend, recording.SqliteRecorder(ctx), captions=captions)
    term.say(f"{spec.title}" + (f", starting in {spec.prepare} seconds" if spec.prepare else ""))
    return plain_playback(run, term)
