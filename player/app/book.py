"""A week, or the whole course, as ONE audio file with a chapter per practice: an audiobook (AAC in MP4,
`.m4b`) or a single MP3 with ID3 chapters.

Audiobook players on phones remember where you are, offer sleep timers and speeds, and list the chapters,
so this is the easiest way to take the course anywhere. Chapters are titled "Week 3 · <practice>", in
course order; each practice sounds exactly as it does rendered on its own (the same audio, joined). A
caption file for the whole book is written beside it. Like every output, the file appears only when
complete, and running the same command again with nothing changed does nothing.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from player.adapters.files import atomic_path
from player.adapters.sound import captions, export
from player.adapters.sound.cover import cover_png
from player.app import batch, context, library, render
from player.core.course import Week
from player.core.errors import CompassionError
from player.core.timeline import Cue

FORMATS = ("m4b", "mp3")
#: Part of the signature; bump when the book changes in a way listeners would notice.
BOOK_VERSION = 1


@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds
    end: float


@dataclass
class BookResult:
    path: Path
    chapters: list[Chapter]
    captions: Path | None = None
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def chapter_title(week: int, title: str) -> str:
    return f"Week {week} · {title}"


def render_book(
    ctx: context.Context,
    weeks: list[Week],
    out: Path,
    fmt: str,
    minutes: float | None,
    caption_format: str,
    engine: str | None,
    progress: context.Progress | None = None,
    background: str | None = None,
    course_words: bool = False,
) -> BookResult:
    if fmt not in FORMATS:
        raise CompassionError(
            f"one file with chapters is made as m4b or mp3, not {fmt}", "use -o FILE.m4b, or --format mp3"
        )
    exe = export.require_ffmpeg(fmt)
    course = ctx.catalog.course
    notes: list[str] = []
    pieces = batch.prepare(ctx, weeks, minutes, engine, progress, background, notes, course_words)
    chapters, cues, at = [], [], 0.0
    for p in pieces:
        rate = p.timeline.rate
        length = p.timeline.total / rate
        chapters.append(Chapter(chapter_title(p.week.number, p.plan.script.title), at, at + length))
        cues += [Cue(c.start + at, c.end + at, c.text) for c in p.timeline.cues()]
        at += length
    whole = len(weeks) == len(course.weeks)
    album = course.title if whole else render.album_name(course.title, weeks[0].number, weeks[0].theme)
    book_title = course.title if whole else f"Week {weeks[0].number}: {weeks[0].theme}"
    tags = export.Tags(title=book_title, album=album, genre="Audiobook" if fmt == "m4b" else "Meditation")
    signature = _signature(pieces, fmt, caption_format, tags, chapters)
    result = BookResult(out, chapters, captions.sidecar_path(out, caption_format) if caption_format != "none" else None)
    result.notes = notes
    manifest = batch.load_manifest(out.parent)
    if manifest.get(out.name) == signature and out.exists() and batch.captions_ok(out, caption_format):
        result.skipped = True
        return result
    total = sum(p.timeline.total for p in pieces)
    done = 0

    def stream() -> Iterator[bytes]:
        nonlocal done
        for p in pieces:
            source = library.clip_source(ctx, p.plan.user_sounds)
            for piece in export.session_pcm(p.timeline, source, None, p.bed, p.plan.voice.volume):
                done += len(piece) // 2
                if progress:
                    progress("audio", done, total)
                yield piece

    rate = pieces[0].timeline.rate
    private = any(p.plan.speaks_own_words for p in pieces)
    cover = cover_png(course.title, book_title if not whole else "The whole course")
    with tempfile.TemporaryDirectory(prefix="compassion-book-") as work:
        meta, picture = Path(work) / "chapters.txt", Path(work) / "cover.png"
        meta.write_text(ffmetadata(chapters, tags), encoding="utf-8")
        picture.write_bytes(cover)
        with atomic_path(out, "audiobook", private=private) as tmp:
            if fmt == "m4b":
                export.encode(exe, stream(), tmp, fmt, rate, meta)
                export.tag_m4b(tmp, tags, cover)
            else:
                # ffmpeg writes the ID3 chapters itself, in order (mutagen would write the CHAP frames
                # ordered by their size, and some readers list chapters in the order they are stored).
                export.encode(exe, stream(), tmp, fmt, rate, meta, picture)
    captions.write(out, caption_format, cues, book_title, album, private=private)
    manifest[out.name] = signature
    batch.save_manifest(out.parent, manifest)
    return result


def ffmetadata(chapters: list[Chapter], tags: export.Tags) -> str:
    """Tags and chapters in ffmpeg's metadata file format (chapter times in milliseconds)."""

    def esc(text: str) -> str:
        return "".join("\\" + ch if ch in "=;#\\\n" else ch for ch in text)

    lines = [";FFMETADATA1", *(f"{k}={esc(v)}" for k, v in tags.items().items() if k != "tracknumber")]
    for ch in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(ch.start * 1000)}", f"END={round(ch.end * 1000)}"]
        lines.append(f"title={esc(ch.title)}")
    return "\n".join(lines) + "\n"


def _signature(
    pieces: list[batch.Piece], fmt: str, caption_format: str, tags: export.Tags, chapters: list[Chapter]
) -> str:
    parts = [batch.signature(p, fmt, caption_format, tags) for p in pieces]
    blob = json.dumps([BOOK_VERSION, parts, [c.title for c in chapters], tags.title, tags.album])
    return hashlib.sha256(blob.encode()).hexdigest()
