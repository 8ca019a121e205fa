"""Your own words: `phrases` and `letter`. They are shown only when you ask to see them."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from player.core.errors import CompassionError


def cmd_phrases(args: argparse.Namespace) -> int:
    from player.app import context, words

    ctx = context.open_context(args.data_dir)
    action = args.action or "show"
    if action == "show":
        found = words.phrases(ctx)
        if not found.texts:
            print('You have no phrases of your own yet. `compassion phrases set "May I ..."` keeps some,')
            print("or write them after the practice Finding Your Own Phrases.")
            return 0
        for text in found.texts:
            print(text)
        return 0
    if action == "set":
        if not args.texts:
            raise CompassionError(
                "phrases set needs one to six phrases", 'like: compassion phrases set "May I be kind to myself."'
            )
        kept = words.set_phrases(ctx, args.texts)
        print(f"kept {len(kept)} phrase{'s' if len(kept) != 1 else ''}; the practices that use them will speak them")
        return 0
    if action == "edit":
        current = "\n".join(words.phrases(ctx).texts)
        text = _edit(current + "\n" if current else "", "phrases")
        lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        if not lines:
            print("nothing written; your phrases are as they were")
            return 0
        kept = words.set_phrases(ctx, lines)
        print(f"kept {len(kept)} phrase{'s' if len(kept) != 1 else ''}")
        return 0
    backups = words.clear_phrases(ctx)
    print("your phrases are cleared; the practices use the course's own words again")
    _say_backups(backups)
    return 0


def cmd_letter(args: argparse.Namespace) -> int:
    from player.app import context, words
    from player.core.calendar import day_label

    ctx = context.open_context(args.data_dir)
    action = args.action or "show"
    letters = words.letters(ctx)
    if action == "list":
        if not letters:
            print("No letters yet. `compassion letter edit` starts one, or write it in the app.")
        for n, letter in enumerate(letters, 1):
            words_count = len(letter.text.split())
            print(f"{n:>3}  {day_label(ctx.day_of(letter.written_at))}  {words_count} words")
        return 0
    if action == "show":
        if args.number is None:
            if not letters:
                print("No letter yet. `compassion letter edit` starts one, or write it in the app.")
                return 0
            print(letters[-1].text)
            return 0
        if not 1 <= args.number <= len(letters):
            raise CompassionError(
                f"there is no letter {args.number}", f"you have {len(letters)}; `compassion letter list` shows them"
            )
        print(letters[args.number - 1].text)
        return 0
    if action == "edit":
        latest = letters[-1] if letters else None
        text = _edit(latest.text + "\n" if latest else "", "letter")
        if not text.strip():
            print("nothing written; your letters are as they were")
            return 0
        words.save_letter(ctx, text, latest.id if latest else None)
        print("your letter is kept; Hearing Your Letter reads it to you")
        return 0
    if action == "set":
        if args.file is None:
            raise CompassionError("letter set needs --file F", "save your letter as a text file first")
        words.save_letter(ctx, words.read_text_file(args.file))
        print("your letter is kept, dated today; Hearing Your Letter reads it to you")
        return 0
    if not letters:
        print("there are no letters to clear")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise CompassionError(
                f"clearing removes all {len(letters)} of your letters", "add --yes to clear them without being asked"
            )
        answer = input(f"Remove all {len(letters)} of your letters from this computer? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing was removed")
            return 0
    count, backups = words.clear_letters(ctx)
    print(f"removed {count} letter{'s' if count != 1 else ''}")
    _say_backups(backups)
    return 0


def _say_backups(backups: list[Path]) -> None:
    if backups:
        print("These backups of your progress file still hold your words (delete them if you wish):")
        for path in backups:
            print(f"  {path}")


def _edit(text: str, what: str) -> str:
    """Open $EDITOR (or $VISUAL, else nano or vi) on `text` in a private temporary file; its new text."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("nano" if _exists("nano") else "vi")
    fd, name = tempfile.mkstemp(prefix=f"compassion-{what}-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            done = subprocess.run([*shlex.split(editor), name])
        except OSError:
            raise CompassionError(f"cannot start the editor '{editor}'", "set EDITOR to the editor you use") from None
        if done.returncode != 0:
            raise CompassionError(f"the editor '{editor}' stopped with an error; nothing was changed")
        from player.app import words

        return words.read_text_file(Path(name))
    finally:
        os.unlink(name)


def _exists(program: str) -> bool:
    import shutil

    return shutil.which(program) is not None
