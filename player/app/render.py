"""Rendering one exercise to an audio file and its captions: the format, the file name, the tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from player.adapters.catalog import Entry
from player.adapters.sound import captions, export
from player.app.context import Context, Progress
from player.app.library import clip_source, plan, resolve_background
from player.core.errors import CompassionError
from player.core.script.model import Script
from player.core.timeline import Cue


@dataclass
class RenderResult:
    audio: Path
    captions: Path | None
    duration: float
    skipped: bool = False
    cues: list[Cue] = field(default_factory=list)
    #: What of the listener's own words the file speaks ("your letter"), or "" (then it can be shared).
    own_words: str = ""


def output_format(out: Path | None, fmt: str | None) -> str:
    """The format from `--format`, else from the output's extension, else WAV. A file name asking for a
    format the app cannot write is refused before any work starts, never written as another format."""
    if fmt and fmt not in export.FORMATS:
        raise CompassionError(f"unknown format '{fmt}'", f"use one of: {', '.join(export.FORMATS)}")
    asked = out.suffix.lower().lstrip(".") if out is not None and out.suffix and not out.is_dir() else ""
    if asked and asked not in export.FORMATS:
        raise CompassionError(
            f"cannot write {out}: the app does not make .{asked} files",
            f"name it .{', .'.join(export.FORMATS)}, or give a folder to write into",
        )
    if fmt and asked and asked != fmt:
        raise CompassionError(f"{out} is named .{asked} but --format asks for {fmt}", "make the two agree")
    return fmt or asked or "wav"


def output_path(exercise_id: str, out: Path | None, fmt: str) -> Path:
    """Where one rendered exercise goes: `out` (a file, or a folder to put it in), else `ID.FMT` here; the
    extension always matches the format."""
    if out is None or out.is_dir():
        from player.adapters.files import safe_name

        default = f"{safe_name(exercise_id)}.{fmt}"
        return Path(default) if out is None else out / default
    if out.suffix.lower().lstrip(".") != fmt:
        return out.with_name(out.name + f".{fmt}") if not out.suffix else out.with_suffix(f".{fmt}")
    return out


def render(
    ctx: Context,
    script: Script,
    out: Path,
    fmt: str,
    minutes: float | None = None,
    caption_format: str = "vtt",
    engine: str | None = None,
    tags: export.Tags | None = None,
    progress: Progress | None = None,
    background: str | None = None,
    course_words: bool = False,
) -> RenderResult:
    """Render one script to `out` (and its caption sidecar). Nothing partial is left on failure."""
    if fmt != "wav":
        export.require_ffmpeg(fmt)
    bed = resolve_background(script, background)
    p = plan(ctx, script, engine, progress, course_words=course_words)
    timeline = p.fit(minutes)
    tags = tags or export.Tags(title=script.title)
    report = (lambda done, total: progress("audio", done, total)) if progress else None
    private = p.speaks_own_words
    export.write(
        timeline, clip_source(ctx, p.user_sounds), out, fmt, tags, report, bed, p.voice.volume, private=private
    )
    cues = timeline.cues()
    cap = captions.write(out, caption_format, cues, script.title, tags.album, private=private)
    return RenderResult(out, cap, timeline.duration, cues=cues, own_words=p.own_words)


def default_tags(ctx: Context, entry: Entry, script: Script) -> export.Tags:
    """Tags for one rendered exercise: course exercises are filed under their week."""
    if entry.week is not None:
        try:
            week = ctx.catalog.course.week(entry.week)
        except CompassionError:
            week = None
        if week is not None:
            return export.Tags(title=script.title, album=album_name(ctx.catalog.course.title, week.number, week.theme))
    return export.Tags(title=script.title, album="My scripts")


def album_name(course_title: str, week: int, theme: str) -> str:
    return f"{course_title} - Week {week}: {theme}"
