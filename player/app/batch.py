"""Rendering a whole week, or the whole course, into a folder ready to copy onto a phone.

Each exercise becomes a numbered file with captions and tags; each week gets an `.m3u` playlist. A small
manifest remembers what each file was made from, so a second run skips what is already up to date.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from player.adapters.files import safe_name, write_text
from player.adapters.sound import export
from player.adapters.speech import synth
from player.app import context, library, render
from player.app.session import Bed
from player.core.calendar import minutes_range, minutes_text
from player.core.course import Week
from player.core.errors import CompassionError
from player.core.timeline import Timeline

MANIFEST = ".compassion-render.json"
#: Part of every signature; bump when rendering changes in a way listeners would hear.
RENDER_VERSION = 2


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    playlists: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_target(target: str) -> tuple[str, int | None] | None:
    """`week:N` -> ("week", N); `course` -> ("course", None); anything else -> None."""
    if target == "course":
        return ("course", None)
    if target.startswith("week:"):
        try:
            return ("week", int(target[5:]))
        except ValueError:
            raise CompassionError(f"'{target}' is not a week", "use week:1 to week:8") from None
    return None


@dataclass
class _Job:
    folder: Path
    name: str
    plan: library.Plan
    timeline: Timeline
    tags: export.Tags
    signature: str
    bed: Bed | None = None


def render_weeks(
    ctx: context.Context,
    weeks: list[Week],
    out_dir: Path,
    fmt: str,
    minutes: float | None,
    caption_format: str,
    engine: str | None,
    nested: bool,
    progress: context.Progress | None = None,
    background: str | None = None,
    course_words: bool = False,
) -> BatchResult:
    """Render `weeks` into `out_dir` (one subfolder per week when `nested`).

    All speech is synthesized first, in one go (across the cores for espeak-ng); then files are encoded in
    parallel, one encoder per core. `background` (a name or "none") overrides each script's ambience.
    """
    if fmt != "wav":
        export.require_ffmpeg(fmt)
    result = BatchResult()
    course = ctx.catalog.course
    pieces = prepare(ctx, weeks, minutes, engine, progress, background, result.notes, course_words)
    jobs: list[_Job] = []
    manifests: dict[Path, dict[str, Any]] = {}
    for week in weeks:
        folder = out_dir / safe_name(f"Week {week.number} - {week.theme}") if nested else out_dir
        manifest = manifests.setdefault(folder, load_manifest(folder))
        album = render.album_name(course.title, week.number, week.theme)
        playlist: list[tuple[str, float, str]] = []
        mine = [p for p in pieces if p.week is week]
        for piece in mine:
            script, timeline = piece.plan.script, piece.timeline
            name = safe_name(f"{piece.track:02d} - {script.title}") + f".{fmt}"
            tags = export.Tags(title=script.title, album=album, track=f"{piece.track}/{len(mine)}")
            sig = signature(piece, fmt, caption_format, tags)
            playlist.append((name, timeline.duration, script.title))
            audio = folder / name
            if manifest.get(name) == sig and audio.exists() and captions_ok(audio, caption_format):
                result.skipped.append(audio)
            else:
                jobs.append(_Job(folder, name, piece.plan, timeline, tags, sig, piece.bed))
        result.playlists.append(_write_playlist(folder, week, playlist))
    _encode_all(ctx, jobs, fmt, caption_format, manifests, result, progress)
    return result


@dataclass
class Piece:
    """One exercise of a week, laid out at the length asked for, ready to encode."""

    week: Week
    track: int
    exercise: str
    plan: library.Plan
    timeline: Timeline
    minutes: float | None
    bed: Bed | None


def prepare(
    ctx: context.Context,
    weeks: list[Week],
    minutes: float | None,
    engine: str | None,
    progress: context.Progress | None,
    background: str | None,
    notes: list[str],
    course_words: bool = False,
) -> list[Piece]:
    """Every exercise of `weeks`, in course order, laid out with `minutes` applied to each (fitted into its
    range, with a note when it cannot run that long). All speech is made first, in one go."""
    entries = ctx.catalog.course_entries()
    scripts = {ex: ctx.catalog.load(entries[ex]) for w in weeks for ex in w.practices}
    beds = {ex: library.resolve_background(sc, background) for ex, sc in scripts.items()}
    every = [u for sc in scripts.values() for u in library.heard_lines(ctx, sc, engine, course_words)[2].values()]
    report = (lambda d, t: progress("speech", d, t)) if progress else None
    job = synth.ensure(ctx.cache, every, report)
    if job.total:
        ctx.tidy_cache(job.frames)
    out: list[Piece] = []
    for week in weeks:
        for track, ex in enumerate(week.practices, 1):
            plan = library.plan(ctx, scripts[ex], engine, course_words=course_words)  # everything is made by now
            chosen = _clamp(plan.range_minutes(), minutes)
            timeline = plan.fit(chosen)
            if minutes is not None and abs(timeline.duration - minutes * 60) > 1:
                notes.append(
                    f"{ex} runs {minutes_text(timeline.duration, about=True)} "
                    f"(it can run {minutes_range(*plan.range_seconds())})"
                )
            out.append(Piece(week, track, ex, plan, timeline, chosen, beds[ex]))
            if plan.speaks_own_words:
                notes.append(f"{ex} speaks {plan.own_words}; {library.PRIVATE_NOTE}")
    return out


def _encode_all(
    ctx: context.Context,
    jobs: list[_Job],
    fmt: str,
    caption_format: str,
    manifests: dict[Path, dict[str, Any]],
    result: BatchResult,
    progress: context.Progress | None,
) -> None:
    import concurrent.futures as cf
    import os
    import threading

    from player.adapters.sound import captions

    lock = threading.Lock()
    done = 0

    def encode(job: _Job) -> Path:
        audio = job.folder / job.name
        export.write(
            job.timeline,
            library.clip_source(ctx, job.plan.user_sounds),
            audio,
            fmt,
            job.tags,
            background=job.bed,
            voice_volume=job.plan.voice.volume,
            private=job.plan.speaks_own_words,
        )
        captions.write(
            audio,
            caption_format,
            job.timeline.cues(),
            job.plan.script.title,
            job.tags.album,
            private=job.plan.speaks_own_words,
        )
        return audio

    with cf.ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        futures = {pool.submit(encode, job): job for job in jobs}
        try:
            for fut in cf.as_completed(futures):
                job = futures[fut]
                audio = fut.result()
                with lock:
                    manifests[job.folder][job.name] = job.signature
                    save_manifest(job.folder, manifests[job.folder])
                    result.written.append(audio)
                    done += 1
                if progress:
                    progress("audio", done, len(jobs))
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    result.written.sort()


def _clamp(span: tuple[float, float], minutes: float | None) -> float | None:
    lo, hi = span
    if minutes is None or lo == hi:
        return None
    return min(max(minutes, lo), hi)


def signature(piece: Piece, fmt: str, caption_format: str, tags: export.Tags) -> str:
    from player.adapters.speech.cache import FORMAT_VERSION
    from player.adapters.speech.engines import get_engine

    digest, voice, fraction, minutes = (
        piece.plan.script.digest + ":" + "".join(sorted(u.key for u in piece.plan.utterances)),
        piece.plan.voice,
        piece.timeline.fraction,
        piece.minutes,
    )
    bed = piece.bed[1] if piece.bed else None
    blob = json.dumps(
        [
            RENDER_VERSION,
            FORMAT_VERSION,
            digest,
            voice.engine,
            get_engine(voice.engine).model(voice.voice),
            voice.voice,
            voice.rate,
            voice.volume,
            round(fraction, 6),
            fmt,
            caption_format,
            tags.album,
            tags.track,
            minutes,
            bed.__dict__ if bed else None,
        ]
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def captions_ok(audio: Path, fmt: str) -> bool:
    return fmt == "none" or audio.with_suffix(f".{fmt}").exists()


def load_manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    write_text(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True), "render manifest")


def _write_playlist(folder: Path, week: Week, items: list[tuple[str, float, str]]) -> Path:
    lines = ["#EXTM3U", f"#PLAYLIST:Week {week.number}: {week.theme}"]
    for name, seconds, title in items:
        lines += [f"#EXTINF:{round(seconds)},{title}", name]
    path = folder / (safe_name(f"Week {week.number} - {week.theme}") + ".m3u")
    write_text(path, "\n".join(lines) + "\n", "playlist")
    return path
