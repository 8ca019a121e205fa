"""Your own words: `phrases` and `letter`. They are shown only when you ask to see them."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from player.core.errors import CompassionError, WorkFailed

#: How soon an editor may return with nothing changed before it is taken for one that did not wait.
_EDITOR_WAIT_S = 2.0


def cmd_phrases(args: argparse.Namespace) -> int:
    from player.app import context, words

    ctx = context.open_context(args.data_dir)
    action = args.action or "show"
    if action == "show":
        found = words.phrases(ctx)
        if not found.texts:
            print("You have no phrases of your own yet. `compassion phrases set -` keeps some (one a line),")
            print("or write them after the practice Finding Your Own Phrases.")
            return 0
        for text in found.texts:
            print(text)
        return 0
    if action == "set":
        if not args.texts:
            raise CompassionError(
                "phrases set needs one to six phrases",
                "type them one a line after `compassion phrases set -`, then press Ctrl-D",
            )
        texts = _phrase_lines(_read_stdin()) if args.texts == ["-"] else args.texts
        if not texts:
            raise CompassionError("no phrases came in on standard input", "write one phrase a line")
        kept = words.set_phrases(ctx, texts)
        print(_kept_phrases(len(kept)))
        make_own_speech(ctx)
        return 0
    if action == "edit":
        current = "\n".join(words.phrases(ctx).texts)
        text = _edit(current + "\n" if current else "", "phrases")
        lines = _phrase_lines(text)
        if not lines:
            raise WorkFailed("nothing was written; your phrases are as they were")
        kept = words.set_phrases(ctx, lines)
        print(_kept_phrases(len(kept)))
        make_own_speech(ctx)
        return 0
    backups = words.clear_phrases(ctx)
    print("Your phrases are cleared, with every sound made of them. The practices use the course's own words again.")
    _say_backups(backups)
    return 0


def _kept_phrases(count: int) -> str:
    return (
        f"Kept {'your phrase' if count == 1 else f'your {count} phrases'}. The practices that use them will speak them."
    )


def _phrase_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _read_stdin() -> str:
    """What the listener typed or piped in (their words never pass through the command line)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CompassionError(
            "standard input is not UTF-8 text", "save it as UTF-8 (plain text) and try again"
        ) from None


def make_own_speech(ctx) -> None:
    """Make the speech of the listener's words now (new words, or a new voice or pace), so every length
    shown for their practices is exact."""
    from player.app import library
    from player.cli.output import Progress

    try:
        with Progress() as progress:
            library.make_own_speech(ctx, progress=progress)
    except CompassionError as exc:
        print(f"note: the speech of your words will be made when you play ({exc.message})", file=sys.stderr)


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
        before = latest.text if latest else ""
        text = _edit(before + "\n" if latest else "", "letter")
        if not text.strip():
            raise WorkFailed("the letter came back empty, so nothing was changed")
        if text.strip() == before.strip():
            print("Nothing changed; your letter is as it was.")
            return 0
        words.save_letter(ctx, text, latest.id if latest else None)
        print("Your letter is kept. Hearing Your Letter reads it to you.")
        make_own_speech(ctx)
        return 0
    if action == "set":
        if args.file is None:
            raise CompassionError(
                "letter set needs --file F", "give a text file, or --file - and type or pipe the letter in"
            )
        text = _read_stdin() if args.file == "-" else words.read_text_file(Path(args.file))
        words.save_letter(ctx, text)
        print("Your letter is kept, dated today. Hearing Your Letter reads it to you.")
        make_own_speech(ctx)
        return 0
    if not letters:
        print("There are no letters to clear.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise CompassionError(
                f"clearing removes all {len(letters)} of your letters", "add --yes to clear them without being asked"
            )
        answer = input(f"Remove all {len(letters)} of your letters from this computer? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was removed.")
            return 0
    count, backups = words.clear_letters(ctx)
    print(f"Removed {'your letter' if count == 1 else f'your {count} letters'}, with every sound made of them.")
    _say_backups(backups)
    return 0


def _say_backups(backups: list[Path]) -> None:
    if backups:
        print("These backups of your progress file still hold your words (delete them if you wish):")
        for path in backups:
            print(f"  {path}")


def _edit(text: str, what: str) -> str:
    """Open the listener's editor ($VISUAL, else $EDITOR, else nano or vi) on `text` in a private temporary
    file, and wait for it; the text it left. A window editor needs its wait flag (`code --wait`,
    `gedit --wait`, `subl -w`), or it returns while the listener is still typing."""
    import shlex
    import subprocess
    import tempfile
    import time

    from player.app import words

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ("nano" if _exists("nano") else "vi")
    fd, name = tempfile.mkstemp(prefix=f"compassion-{what}-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        started = time.monotonic()
        try:
            done = subprocess.run([*shlex.split(editor), name])
        except (OSError, ValueError):
            raise CompassionError(f"cannot start the editor '{editor}'", "set EDITOR to the editor you use") from None
        if done.returncode != 0:
            raise WorkFailed(f"the editor '{editor}' stopped with an error; nothing was changed")
        if not path.exists():
            raise WorkFailed(
                f"the editor '{editor}' left no file to read, so nothing was changed",
                "save the file in the editor before closing it",
            )
        written = words.read_text_file(path)
        if written == text and time.monotonic() - started < _EDITOR_WAIT_S:
            raise WorkFailed(
                f"the editor '{editor}' returned at once, before anything was written; nothing was changed",
                "a window editor needs its wait flag, like VISUAL='code --wait' or VISUAL='gedit --wait'",
            )
        return written
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _exists(program: str) -> bool:
    import shutil

    return shutil.which(program) is not None
