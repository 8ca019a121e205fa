"""`compassion render`: one exercise to a file, or a week or the whole course to a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from player.cli.output import Progress
from player.core.calendar import minutes_text
from player.core.errors import CompassionError


def cmd_render(args: argparse.Namespace) -> int:
    from player.app import batch, context, library, render

    ctx = context.open_context(args.data_dir)
    target = batch.parse_target(args.target)
    if target is not None:
        return _render_collection(ctx, args, *target)
    entry, script = library.resolve_script(ctx, args.target)
    if args.format == "m4b" or (args.output is not None and args.output.suffix.lower() == ".m4b"):
        raise CompassionError(
            "an audiobook (.m4b) is made from a week or the whole course",
            "try `compassion render week:3 -o week3.m4b`; for one exercise use -o FILE.mp3",
        )
    if args.single_file:
        raise CompassionError("--single-file joins the practices of week:N or course into one file")
    fmt = render.output_format(args.output, args.format)
    out = render.output_path(entry.name, args.output, fmt)
    tags = render.default_tags(ctx, entry, script)
    with Progress() as progress:
        result = render.render(
            ctx,
            script,
            out,
            fmt,
            args.minutes,
            args.captions,
            args.engine,
            tags,
            progress,
            args.background,
            args.course_words,
        )
    if result.own_words:
        print(f"note: this file speaks {result.own_words}; {library.PRIVATE_NOTE}", file=sys.stderr)
    print(result.audio)
    if result.captions is not None:
        print(result.captions)
    return 0


def _render_collection(ctx, args: argparse.Namespace, kind: str, number: int | None) -> int:
    from player.app import batch, render

    course = ctx.catalog.course
    if kind == "week":
        week = course.week(number) if number is not None else None
        if week is None:
            raise CompassionError(f"there is no week {number}", f"the course has weeks 1 to {len(course.weeks)}")
        weeks, nested, default_dir = [week], False, Path(f"week{number}")
    else:
        weeks, nested, default_dir = list(course.weeks), True, Path("course")
    suffix = args.output.suffix.lower().lstrip(".") if args.output is not None and not args.output.is_dir() else ""
    if args.single_file or args.format == "m4b" or suffix in ("m4b", "mp3"):
        return _render_book(ctx, args, weeks, default_dir.name, suffix)
    if suffix:
        raise CompassionError(
            f"{args.target} is written as a folder of files, or as one .m4b or .mp3 with chapters; "
            f"not as one .{suffix}",
            f"give a folder with -o DIR, or -o {default_dir.name}.m4b",
        )
    out_dir = args.output or default_dir
    if out_dir.exists() and not out_dir.is_dir():
        raise CompassionError(f"{out_dir} is a file; {args.target} needs a folder", "give a folder with -o DIR")
    fmt = render.output_format(None, args.format)
    with Progress() as progress:
        result = batch.render_weeks(
            ctx,
            weeks,
            out_dir,
            fmt,
            args.minutes,
            args.captions,
            args.engine,
            nested,
            progress,
            args.background,
            args.course_words,
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


def _render_book(ctx, args: argparse.Namespace, weeks: list, default_name: str, suffix: str) -> int:
    """A week or the course as one file with chapters."""
    from player.app import book

    if suffix and suffix not in book.FORMATS:
        raise CompassionError(
            f"one file with chapters is an .m4b audiobook or an .mp3, not .{suffix}",
            f"use -o {default_name}.m4b or -o {default_name}.mp3",
        )
    fmt = args.format or (suffix if suffix in book.FORMATS else "m4b")
    if fmt not in book.FORMATS:
        raise CompassionError(
            f"one file with chapters is made as m4b (an audiobook) or mp3, not {fmt}",
            "use -o FILE.m4b, or --format mp3 --single-file",
        )
    out = args.output or Path(f"{default_name}.{fmt}")
    if out.is_dir():
        out = out / f"{default_name}.{fmt}"
    elif out.suffix.lower() != f".{fmt}":
        out = out.with_name(out.name + f".{fmt}") if not out.suffix else out.with_suffix(f".{fmt}")
    with Progress() as progress:
        result = book.render_book(
            ctx,
            weeks,
            out,
            fmt,
            args.minutes,
            args.captions,
            args.engine,
            progress,
            args.background,
            args.course_words,
        )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    if result.skipped:
        print(f"{out} is already up to date, skipped", file=sys.stderr)
    else:
        print(out)
        if result.captions is not None:
            print(result.captions)
    print(f"{len(result.chapters)} chapters, {minutes_text(result.chapters[-1].end)}", file=sys.stderr)
    return 0
