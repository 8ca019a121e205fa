"""What there is to practise: `list`, `info`, `validate` and `voices`."""

from __future__ import annotations

import argparse
import json
import sys

from player.cli.output import Progress, span
from player.core.errors import CompassionError, ScriptError


def cmd_convert(args: argparse.Namespace) -> int:
    """The converted script on standard output (or in OUT), the report on standard error."""
    from player.app import context
    from player.app import convert as converting

    ctx = context.open_context(args.data_dir)
    result = converting.convert(ctx, args.file, args.fmt)
    if args.output:
        converting.save(result, args.output)
    else:
        sys.stdout.write(result.toml(args.file.parent))  # recordings stay where the file found them
        sys.stdout.flush()
    for line in result.report():
        print(line, file=sys.stderr)
    if args.output:
        print(f"wrote {args.output}; `compassion play {args.output}` to hear it", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from player.app import context

    ctx = context.open_context(args.data_dir)
    bad = False
    for path in args.paths:
        try:
            ctx.catalog.checked(path)
        except ScriptError as exc:
            bad = True
            for line in exc.lines():
                print(line, file=sys.stderr)
            continue
        print(f"{path}: ok")
    return 2 if bad else 0


def cmd_info(args: argparse.Namespace) -> int:
    from player.app import context, library, overview

    ctx = context.open_context(args.data_dir)
    if args.target.startswith("week:"):
        return _week_info(ctx, args)
    entry, script = library.resolve_script(ctx, args.target)
    if script.uses_words:  # lengths with the listener's own words are exact only once they are spoken
        with Progress() as progress:
            library.make_own_speech(ctx, [script], progress, args.engine)
    info = overview.exercise_info(ctx, entry, script, args.engine)
    if args.json:
        print(json.dumps(info, indent=2, ensure_ascii=False))
        return 0
    print(f"{info['title']}  ({info['id']})")
    if info["summary"]:
        print(f"  {info['summary']}")
    if info["kind"]:
        print(f"  kind: {info['kind']}" + (f", week {info['week']}" if info["week"] else ""))
    print(f"  steps: {info['steps']}, spoken segments: {info['spoken_segments']}")
    print(f"  pauses: {info['pause_seconds']['min']:g} to {info['pause_seconds']['max']:g} seconds")
    length = span(info["min_minutes"], info["max_minutes"], info["exact"])
    print(f"  length: {length} (voice: {info['engine']})")
    if info["recorded_lines"]:
        print(f"  recorded lines: {info['recorded_lines']} (heard as recorded; their words are the captions)")
    if "pack" in info:
        pack = info["pack"]
        print(f"  from the pack {pack['title']} ({pack['id']} {pack['version']}), by {', '.join(pack['authors'])}")
        print(f"  license: {pack['license']}")
    mine = "" if info.get("speaks_your_words", True) else " (not spoken: my_words is off)"
    if "your_phrases" in info:
        print(f"  your phrases: {info['your_phrases'] or 'none yet'}{mine}")
    if "your_letter" in info:
        print(f"  your letter: {info['your_letter'] or 'none yet'}{mine}")
    return 0


def _week_info(ctx, args: argparse.Namespace) -> int:
    """`info week:N`: the week's theme, intention and goal, and each practice with its length."""
    from player.app import batch, overview

    _, number = batch.parse_target(args.target) or ("week", None)
    listing = overview.course_listing(ctx, args.engine)
    week = next((w for w in listing["weeks"] if w["number"] == number), None)
    if week is None:
        raise CompassionError(f"there is no week {number}", f"the course has weeks 1 to {len(listing['weeks'])}")
    if args.json:
        print(json.dumps(week, indent=2, ensure_ascii=False))
        return 0
    print(f"Week {week['number']}: {week['theme']}")
    print(f"  {week['intention']}")
    print(f"  goal: practise on {week['goal_days']} different days of this course week")
    for ex in week["exercises"]:
        extra = "  (an extra: the week is finished without it)" if ex.get("extra") else ""
        print(f"  {ex['id']:<34} {ex['kind']:<9} {_length(ex)}{extra}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from player.app import context, overview

    ctx = context.open_context(args.data_dir)
    listing = overview.course_listing(ctx, args.engine)
    if args.json:
        print(json.dumps(listing, indent=2, ensure_ascii=False))
        return 0
    print(listing["title"])
    every = [ex for w in listing["weeks"] for ex in w["exercises"]] + listing["my_scripts"]
    width = max([34] + [len(ex["id"]) + 1 for ex in every])  # a pack's ids can be long
    for week in listing["weeks"]:
        print(f"\nWeek {week['number']}: {week['theme']}")
        print(f"  {week['intention']}")
        for ex in week["exercises"]:
            print(f"  {ex['id']:<{width}} {ex['kind']:<9} {_length(ex)}")
    if listing["my_scripts"]:
        print("\nMy scripts")
        for ex in listing["my_scripts"]:
            if "error" in ex:
                print(f"  {ex['id']:<{width}} cannot be used: {ex['error']}")
            else:
                print(f"  {ex['id']:<{width}} {ex['kind'] or '-':<9} {_length(ex)}")
    return 0


def _length(ex: dict) -> str:
    return span(ex["min_minutes"], ex["max_minutes"], ex.get("exact", True))


def cmd_voices(args: argparse.Namespace) -> int:
    from player.adapters.speech.engines import piper_installed
    from player.adapters.speech.manifest import soft_check
    from player.app import context, voices

    ctx = context.open_context(args.data_dir)
    engines = voices.engines(ctx)
    found = voices.listing(ctx, args.lang)
    rows = [r.as_json() for r in found]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    for name in engines:
        mine = [r for r in rows if r["engine"] == name]
        if not mine:
            continue
        print(f"{voices.TITLES.get(name, name)}: {len(mine)} voice{'s' if len(mine) != 1 else ''}")
        for r in mine:
            mark = "  (default)" if r["default"] else ""
            print(f"  {r['id']:<26} {r['language']:<15} {r['name']}{mark}")
        print()
    if not rows:
        print(f"No voice speaks '{args.lang}'. `compassion voices` lists every one.")
    if not piper_installed():
        print("The neural voice is not installed: `pip install 'compassion-player[neural]'` adds it.")
    for name in engines:
        note = soft_check(name)
        if note:
            print(f"note: {note}", file=sys.stderr)
    return 0
