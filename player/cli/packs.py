"""Course packs from the command line: `pack new|check|build|install|list|remove` and `course`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from player.core.errors import CompassionError, ScriptError

PACK_TOML = """id = "{id}"
title = "{title}"
version = "1.0.0"
authors = ["Your name"]
language = "en"
license = "All rights reserved"
description = "A short course to practise between sessions."

# When a later version renames a practice, progress follows it:
# [renamed]
# old-name = "new-name"
"""

COURSE_TOML = """title = "{title}"
description = "A short course to practise between sessions."

[[week]]
number = 1
theme = "Arriving"
intention = "Find a few minutes of kind attention each day."
goal_days = 3
exercises = ["arriving"]
"""

SCRIPT_TOML = """title = "Arriving"
summary = "A few minutes of settling, with a bell at each end."
kind = "short"

[[step]]
bell = "bowl"
pause = 2

[[step]]
say = "Welcome. Let yourself arrive, just as you are."
# A line you recorded yourself: put the file in media/ and name it here. The words above stay as its
# caption. WAV, FLAC, Ogg/Opus and MP3 are read.
# audio = "../media/welcome.mp3"
pause = 4

[[step]]
say = "Notice the breath, without changing it."
pause = [20, 60]

[[step]]
say = "When you are ready, come back to the room."
pause = 2

[[step]]
bell = "bowl"
"""


def cmd_pack(args: argparse.Namespace) -> int:
    from player.app import context

    if args.action != "list" and not args.path:
        what = (
            "an id"
            if args.action == "remove"
            else "a folder"
            if args.action in ("new", "build")
            else "a folder or file"
        )
        raise CompassionError(f"pack {args.action} needs {what}", "run `compassion pack --help` for details")
    ctx = context.open_context(args.data_dir)
    return {"new": _new, "check": _check, "build": _build, "install": _install, "list": _list, "remove": _remove}[
        args.action
    ](ctx, args)


def _new(ctx, args) -> int:
    from player.adapters.files import write_text
    from player.core.pack import ID

    folder = Path(args.path)
    pack_id = args.id or folder.name.lower()
    if not ID.match(pack_id):
        raise CompassionError(
            f"'{pack_id}' cannot be a pack's id", "give --id: 3 to 64 lowercase letters, digits, dots and hyphens"
        )
    if folder.exists() and any(folder.iterdir()):
        raise CompassionError(f"{folder} is not empty", "give a new folder's name")
    title = (args.title or "My course").replace('"', "'")
    for rel, text in (
        ("pack.toml", PACK_TOML.format(id=pack_id, title=title)),
        ("course.toml", COURSE_TOML.format(title=title)),
        ("scripts/arriving.toml", SCRIPT_TOML),
    ):
        write_text(folder / rel, text, rel)
    (folder / "media").mkdir(exist_ok=True)
    print(f"made {folder}: pack.toml, course.toml, scripts/arriving.toml and media/")
    print(f"next: edit them, then `compassion pack check {folder}` and `compassion pack build {folder}`")
    return 0


def _report(exc: ScriptError) -> int:
    for line in exc.lines():
        print(line, file=sys.stderr)
    return 2


def _check(ctx, args) -> int:
    from player.app import packs

    try:
        summary = packs.check(ctx, Path(args.path))
    except ScriptError as exc:
        return _report(exc)
    print("\n".join(summary.lines()))
    return 0


def _build(ctx, args) -> int:
    from player.app import packs

    try:
        summary, out = packs.build(ctx, Path(args.path), args.output)
    except ScriptError as exc:
        return _report(exc)
    print("\n".join(summary.lines()))
    print(f"built {out}")
    return 0


def _install(ctx, args) -> int:
    from player.app import packs

    try:
        done = packs.install(ctx, Path(args.path), args.force)
    except ScriptError as exc:
        return _report(exc)
    m = done.summary.manifest
    what = f"upgraded from {done.before}" if done.before else "installed"
    print(f"{m.title} {m.version}: {what}, in {done.folder}")
    if done.renamed:
        print(f"{done.renamed} sessions follow practices renamed in this version")
    if ctx.settings.course != m.id:
        print(f"to follow it: `compassion course {m.id}`")
    return 0


def _list(ctx, args) -> int:
    from player.app import packs

    found = packs.installed(ctx)
    if args.json:
        rows = [
            {
                "id": p.manifest.id,
                "title": p.manifest.title,
                "version": p.manifest.version,
                "authors": list(p.manifest.authors),
                "language": p.manifest.language,
                "license": p.manifest.license,
                "followed": ctx.settings.course == p.manifest.id,
            }
            for p in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print(
            "no course packs installed; a pack file comes from the person who made it (`compassion pack install FILE`)"
        )
        return 0
    for p in found:
        mark = "  (followed)" if ctx.settings.course == p.manifest.id else ""
        print(
            f"{p.manifest.id:<32} {p.manifest.version:<10} {p.manifest.title}, by {', '.join(p.manifest.authors)}{mark}"
        )
    return 0


def _remove(ctx, args) -> int:
    from player.app import packs

    packs.remove(ctx, args.path)
    print(f"removed the pack {args.path}; its sessions stay in your history and your streaks")
    return 0


def cmd_course(args: argparse.Namespace) -> int:
    from player.app import context, packs

    ctx = context.open_context(args.data_dir)
    if args.id:
        packs.follow(ctx, args.id)
        ctx = context.open_context(args.data_dir)
        print(f"following {ctx.catalog.course.title} ({args.id}); its weekly goal applies from next Monday")
        return 0
    print(f"{ctx.catalog.course.title} ({ctx.settings.course})")
    for p in packs.installed(ctx):
        print(f"  also installed: {p.manifest.title} ({p.manifest.id}); `compassion course {p.manifest.id}`")
    if ctx.settings.course != packs.BUILTIN:
        print(f"  the built-in course: `compassion course {packs.BUILTIN}`")
    return 0
