"""The listener's own words: their phrases and their letters, kept on this machine only, spoken back in
the practices that ask for them.

They are private. Nothing here prints them, errors name a phrase by its number and never quote it, and
when they change or are cleared the speech made of them (kept apart from the course's, whatever voice or
script made it) goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from player.app.context import Context
from player.core.errors import CompassionError, StoreError
from player.core.script.model import NO_WORDS, Script, Words

if TYPE_CHECKING:
    from player.adapters.store.db import Database
    from player.adapters.store.words import StoredLetter

MAX_PHRASES = 6
MAX_PHRASE_CHARS = 120
MAX_LETTER_CHARS = 10_000


def _store() -> ModuleType:
    """Where the words are kept; loaded when first needed (a plan that speaks none of them never does)."""
    from player.adapters.store import words as store

    return store


def _open_store(ctx: Context, create: bool = True) -> Database | None:
    from player.app.recording import open_store as opened

    return opened(ctx, create)


@dataclass(frozen=True)
class Phrases:
    texts: tuple[str, ...]
    changed_at: datetime | None


def _printable(text: str, allowed: str = "") -> bool:
    return not any((ord(c) < 32 and c not in allowed) or ord(c) == 127 for c in text)


def check_phrases(texts: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """One to six phrases of at most 120 characters, each on one line; refused otherwise, by number."""
    cleaned = tuple(" ".join(t.split()) for t in texts)
    if not 1 <= len(cleaned) <= MAX_PHRASES:
        raise CompassionError(
            f"keep one to six phrases (you gave {len(cleaned)})", "choose the ones that feel most true"
        )
    for i, (raw, text) in enumerate(zip(texts, cleaned), 1):
        if not text:
            raise CompassionError(f"phrase {i} is empty", "write a few words, or leave that phrase out")
        if not _printable(raw):
            raise CompassionError(f"phrase {i} holds control characters", "type it again as plain text")
        if len(text) > MAX_PHRASE_CHARS:
            raise CompassionError(
                f"phrase {i} is {len(text)} characters; a phrase is at most {MAX_PHRASE_CHARS}",
                "a short phrase is easier to take in; split it in two if you like",
            )
    return cleaned


def check_letter(text: str) -> str:
    """A letter of at most 10,000 characters, as plain text."""
    body = text.replace("\r\n", "\n").strip()
    if not body:
        raise CompassionError("the letter is empty", "write a few words first")
    if len(body) > MAX_LETTER_CHARS:
        raise CompassionError(
            f"the letter is {len(body):,} characters; a letter is at most {MAX_LETTER_CHARS:,}",
            "keep the parts that matter most to you",
        )
    if not _printable(body, "\n\t"):
        raise CompassionError("the letter holds control characters", "save it again as plain text")
    return body


def read_text_file(path: Path) -> str:
    """A text file written by the listener (a letter, phrases from an editor): UTF-8, or a clear refusal."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CompassionError(f"cannot read {path} ({exc.strerror})") from None
    if len(data) > 4 * MAX_LETTER_CHARS:
        raise CompassionError(f"{path} is too large for a letter; a letter is at most {MAX_LETTER_CHARS:,} characters")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CompassionError(f"{path} is not UTF-8 text", "save it as UTF-8 (plain text) and try again") from None


def phrases(ctx: Context) -> Phrases:
    db = _open_store(ctx, create=False)
    if db is None:
        return Phrases((), None)
    try:
        texts, changed = _store().phrases(db)
    finally:
        db.close()
    return Phrases(texts, changed)


def set_phrases(ctx: Context, texts: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Replace the phrases (checked first: nothing changes when one is refused)."""
    cleaned = check_phrases(texts)
    _write(ctx, lambda db: _store().set_phrases(db, cleaned))
    ctx.cache.forget_own(ctx.words_owner, "phrases")
    return cleaned


def clear_phrases(ctx: Context) -> list[Path]:
    """Remove the phrases, and every sound made of them; returns the backups of the progress file that
    still hold words."""
    _write(ctx, lambda db: _store().set_phrases(db, ()), forgetting=True)
    ctx.cache.forget_own(ctx.words_owner, "phrases")
    return backups_with_words(ctx)


def letters(ctx: Context) -> list[StoredLetter]:
    db = _open_store(ctx, create=False)
    if db is None:
        return []
    try:
        found: list[StoredLetter] = _store().letters(db)
        return found
    finally:
        db.close()


def latest_letter(ctx: Context) -> StoredLetter | None:
    found = letters(ctx)
    return found[-1] if found else None


def save_letter(ctx: Context, text: str, letter_id: int | None = None) -> int:
    """Keep a letter: a new one, or (with `letter_id`) the one being written. Returns its id."""
    body = check_letter(text)
    db = _open_store(ctx)
    assert db is not None
    try:
        if letter_id is None:
            letter_id = _store().add_letter(db, body)
        else:
            _store().update_letter(db, letter_id, body)
    finally:
        db.close()
    ctx.cache.forget_own(ctx.words_owner, "letter")
    return letter_id


def clear_letters(ctx: Context) -> tuple[int, list[Path]]:
    """Remove every letter, and every sound made of them; returns how many, and the backups that still
    hold words."""
    count = _write(ctx, _store().clear_letters, forgetting=True) if letters(ctx) else 0
    ctx.cache.forget_own(ctx.words_owner, "letter")
    return count, backups_with_words(ctx)


def heard(ctx: Context, script: Script, course_words: bool = False) -> Words:
    """What this listener hears where `script` speaks their words: their own phrases and latest letter,
    unless the course's wording is asked for (`--course-words`, or the setting `my_words = false`). The one
    place this is decided: every plan (play, render, info, list, the length picker, record) asks it."""
    if not script.uses_words or course_words or not ctx.settings.my_words:
        return NO_WORDS
    try:
        db = _open_store(ctx, create=False)  # once, for both the phrases and the letter
        if db is None:
            return NO_WORDS
        try:
            texts, _ = _store().phrases(db)
            found = _store().letters(db)
        finally:
            db.close()
    except StoreError:
        return NO_WORDS  # a damaged progress file is reported where progress is read; the course's words stand
    return Words(texts, found[-1].text if found else None, ctx.words_owner)


def backups_with_words(ctx: Context) -> list[Path]:
    """The progress file's own backups (made before upgrades) that still hold phrases or letters."""
    import sqlite3

    found = []
    for path in sorted(ctx.data_dir.glob("progress.db.backup-*")):
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                held = sum(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("phrases", "letters"))
            finally:
                conn.close()
        except sqlite3.Error:
            continue  # an older backup, from before words were kept
        if held:
            found.append(path)
    return found


def _write(ctx: Context, change: Callable[[Database], object], *, forgetting: bool = False) -> int:
    """One change to the words. `forgetting` (words cleared): no copy of them is left in the write-ahead
    log either (pages are zeroed on delete, and the log is emptied)."""
    db = _open_store(ctx)
    assert db is not None
    try:
        done = change(db)
        if forgetting:
            db.truncate_log()
        return done if isinstance(done, int) else 0
    finally:
        db.close()
