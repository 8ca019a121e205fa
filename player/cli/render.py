"""`compassion render`: one exercise to a file, or a week or the whole course to a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from player.cli.output import Progress
from player.errors import CompassionError


def cmd_render(args: argparse.Namespace) -> int:
    from player import batch, service

    ctx = service.open_context(args.data_dir)
    target = batch.parse_target(args.target)
    if target is not None:
        return _render_collection(ctx, args, *target)
    entry, script = service.resolve_script(ctx, args.target)
    fmt = service.output_format(args.output, args.format)
    out = service.output_path(entry.id, args.output, fmt)
    tags = service.default_tags(ctx, entry, script)
    with Progress() as progress:
        result = service.render(
            ctx, script, out, fmt, args.minutes, args.captions, args.engine, tags, progress, args.background
        )
    print(result.audio)
    return 0


def _render_collection(ctx, args: argparse.Namespace, kind: str, number: int | None) -> int:
    from player import batch, service

    course = ctx.catalog.course
    if kind == "week":
        week = course.week(number) if number is not None else None
        if week is None:
            raise CompassionError(f"there is no week {number}", f"the course has weeks 1 to {len(course.weeks)}")
        weeks, nested, default_dir = [week], False, Path(f"week{number}")
    else:
        weeks, nested, default_dir = list(course.weeks), True, Path("course")
    out_dir = args.output or default_dir
    if out_dir.exists() and not out_dir.is_dir():
        raise CompassionError(f"{out_dir} is a file; {args.target} needs a folder", "give a folder with -o DIR")
    fmt = service.output_format(None, args.format)
    with Progress() as progress:
        result = batch.render_weeks(
            ctx, weeks, out_dir, fmt, args.minutes, args.captions, args.engine, nested, progress, args.background
        )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for path in result.written:
        print(path)
    if result.skipped:
        print(f"{len(result.skipped)} file(s) already up to date, skipped", file=sys.stderr)
    for path in result.playlists:
        print(path)
    return 0
