"""The listener's own words: their phrases and their letters, kept on this machine only, spoken back in
the practices that ask for them.

They are private. Nothing here prints them, errors name a phrase by its number and never quote it, and
when they change or are cleared their spoken audio leaves the speech cache too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from player.adapters.speech import synth
from player.adapters.speech.engines import ENGINE_NAMES, piper_installed
from player.adapters.store import words as store
from player.adapters.store.db import Database
from player.adapters.store.words import StoredLetter
from player.app.context import Context
from player.app.library import speak_as
from player.app.recording import open_store
from player.core.errors import CompassionError
from player.core.script.model import LETTER_RATE, NO_WORDS, Speech, Words, letter_events

MAX_PHRASES = 6
MAX_PHRASE_CHARS = 120
MAX_LETTER_CHARS = 10_000


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
            f"keep one to {MAX_PHRASES} phrases (you gave {len(cleaned)})", "choose the ones that feel most true"
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
    db = open_store(ctx, create=False)
    if db is None:
        return Phrases((), None)
    try:
        texts, changed = store.phrases(db)
    finally:
        db.close()
    return Phrases(texts, changed)


def set_phrases(ctx: Context, texts: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Replace the phrases (checked first: nothing changes when one is refused)."""
    cleaned = check_phrases(texts)
    old = phrases(ctx).texts
    _write(ctx, lambda db: store.set_phrases(db, cleaned))
    forget_audio(ctx, [t for t in old if t not in cleaned])
    return cleaned


def clear_phrases(ctx: Context) -> list[Path]:
    """Remove the phrases; returns the backups of the progress file that still hold words."""
    old = phrases(ctx).texts
    _write(ctx, lambda db: store.set_phrases(db, ()))
    forget_audio(ctx, list(old))
    return backups_with_words(ctx)


def letters(ctx: Context) -> list[StoredLetter]:
    db = open_store(ctx, create=False)
    if db is None:
        return []
    try:
        return store.letters(db)
    finally:
        db.close()


def latest_letter(ctx: Context) -> StoredLetter | None:
    found = letters(ctx)
    return found[-1] if found else None


def save_letter(ctx: Context, text: str, letter_id: int | None = None) -> int:
    """Keep a letter: a new one, or (with `letter_id`) the one being written. Returns its id."""
    body = check_letter(text)
    before = next((x.text for x in letters(ctx) if x.id == letter_id), None) if letter_id else None
    db = open_store(ctx)
    assert db is not None
    try:
        if letter_id is None:
            letter_id = store.add_letter(db, body)
        else:
            store.update_letter(db, letter_id, body)
    finally:
        db.close()
    if before and before != body:
        forget_audio(ctx, [], [before])
    return letter_id


def clear_letters(ctx: Context) -> tuple[int, list[Path]]:
    """Remove every letter; returns how many, and the backups that still hold words."""
    old = [x.text for x in letters(ctx)]
    count = _write(ctx, store.clear_letters) if old else 0
    forget_audio(ctx, [], old)
    return count, backups_with_words(ctx)


def spoken(ctx: Context, course_words: bool = False) -> Words:
    """The words a practice speaks: the listener's own, unless the course's wording is asked for
    (`--course-words`, or the setting `my_words = false`)."""
    if course_words or not ctx.settings.my_words:
        return NO_WORDS
    latest = latest_letter(ctx)
    return Words(phrases(ctx).texts, latest.text if latest else None)


def forget_audio(ctx: Context, old_phrases: list[str], old_letters: list[str] | None = None) -> int:
    """Take the spoken audio of words that changed out of the speech cache, for every bundled voice at
    the pace of every practice that speaks them."""
    texts = list(old_phrases)
    letter_lines = [e.text for body in old_letters or [] for e in letter_events(body, 1) if isinstance(e, Speech)]
    if not texts and not letter_lines:
        return 0
    keys: set[str] = set()
    for engine in ENGINE_NAMES:
        if engine == "piper" and not piper_installed():
            continue
        for entry in ctx.catalog.course_entries().values():
            try:
                script = ctx.catalog.load(entry)
                voice = speak_as(script, ctx.settings, engine)
            except CompassionError:
                continue
            if script.uses_words:
                keys |= {synth.utterance(t, voice).key for t in texts}
                letter_voice = type(voice)(voice.engine, voice.voice, LETTER_RATE, voice.volume)
                keys |= {synth.utterance(t, letter_voice).key for t in letter_lines}
    return ctx.cache.forget(keys)


def backups_with_words(ctx: Context) -> list[Path]:
    """The progress file's own backups (made before upgrades) that still hold phrases or letters."""
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


def _write(ctx: Context, change: Callable[[Database], object]) -> int:
    db = open_store(ctx)
    assert db is not None
    try:
        done = change(db)
        return done if isinstance(done, int) else 0
    finally:
        db.close()
