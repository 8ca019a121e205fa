"""Rendering a whole week, or the whole course, into a folder ready to copy onto a phone.

Each exercise becomes a numbered file with captions and tags; each week gets an `.m3u` playlist. A small
manifest remembers what each file was made from, so a second run skips what is already up to date.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from player import service
from player.audio import export
from player.audio.timeline import Timeline
from player.errors import CompassionError
from player.files import safe_name, write_text
from player.model.course import Week
from player.model.script import Speech
from player.tts import synth

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
    plan: service.Plan
    timeline: Timeline
    tags: export.Tags
    signature: str
    bed: tuple | None = None


def render_weeks(
    ctx: service.Context,
    weeks: list[Week],
    out_dir: Path,
    fmt: str,
    minutes: float | None,
    caption_format: str,
    engine: str | None,
    nested: bool,
    progress: service.Progress | None = None,
    background: str | None = None,
) -> BatchResult:
    """Render `weeks` into `out_dir` (one subfolder per week when `nested`).

    All speech is synthesized first, in one go (across the cores for espeak-ng); then files are encoded in
    parallel, one encoder per core. `background` (a name or "none") overrides each script's ambience.
    """
    if fmt != "wav":
        export.require_ffmpeg(fmt)
    result = BatchResult()
    course = ctx.catalog.course
    entries = ctx.catalog.course_entries()
    scripts = {ex: ctx.catalog.load(entries[ex]) for w in weeks for ex in w.exercises}
    beds = {ex: service.resolve_background(sc, background) for ex, sc in scripts.items()}
    voices = {ex: service.speak_as(sc, ctx.settings, engine) for ex, sc in scripts.items()}
    every = [
        synth.utterance(e.text, voices[ex]) for ex, sc in scripts.items() for e in sc.events() if isinstance(e, Speech)
    ]
    report = (lambda d, t: progress("speech", d, t)) if progress else None
    job = synth.ensure(ctx.cache, every, report)
    if job.total:
        ctx.tidy_cache(job.frames)
    jobs: list[_Job] = []
    manifests: dict[Path, dict] = {}
    for week in weeks:
        folder = out_dir / safe_name(f"Week {week.number} - {week.theme}") if nested else out_dir
        manifest = manifests.setdefault(folder, _load_manifest(folder))
        album = service.album_name(course.title, week.number, week.theme)
        playlist: list[tuple[str, float, str]] = []
        for track, ex in enumerate(week.exercises, 1):
            script = scripts[ex]
            plan = service.plan(ctx, script, engine)  # everything is cached by now
            chosen = _clamp(plan.range_minutes(), minutes)
            timeline = plan.fit(chosen)
            if minutes is not None and abs(timeline.duration - minutes * 60) > 1:
                result.notes.append(
                    f"{ex} runs about {timeline.duration / 60:.1f} minutes (it can run {_span(plan.range_minutes())})"
                )
            name = safe_name(f"{track:02d} - {script.title}") + f".{fmt}"
            tags = export.Tags(title=script.title, album=album, track=f"{track}/{len(week.exercises)}")
            signature = _signature(
                script.digest,
                plan.voice,
                timeline.fraction,
                fmt,
                caption_format,
                tags,
                chosen,
                bed[1] if (bed := beds[ex]) else None,
            )
            playlist.append((name, timeline.duration, script.title))
            audio = folder / name
            if manifest.get(name) == signature and audio.exists() and _captions_ok(audio, caption_format):
                result.skipped.append(audio)
            else:
                jobs.append(_Job(folder, name, plan, timeline, tags, signature, beds[ex]))
        result.playlists.append(_write_playlist(folder, week, playlist))
    _encode_all(ctx, jobs, fmt, caption_format, manifests, result, progress)
    return result


def _encode_all(
    ctx: service.Context,
    jobs: list[_Job],
    fmt: str,
    caption_format: str,
    manifests: dict[Path, dict],
    result: BatchResult,
    progress: service.Progress | None,
) -> None:
    import concurrent.futures as cf
    import os
    import threading

    from player.audio import captions

    lock = threading.Lock()
    done = 0

    def encode(job: _Job) -> Path:
        audio = job.folder / job.name
        export.write(
            job.timeline,
            service.clip_source(ctx, job.plan.user_sounds),
            audio,
            fmt,
            job.tags,
            background=job.bed,
            voice_volume=job.plan.voice.volume,
        )
        captions.write(audio, caption_format, job.timeline.cues(), job.plan.script.title, job.tags.album)
        return audio

    with cf.ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        futures = {pool.submit(encode, job): job for job in jobs}
        try:
            for fut in cf.as_completed(futures):
                job = futures[fut]
                audio = fut.result()
                with lock:
                    manifests[job.folder][job.name] = job.signature
                    _save_manifest(job.folder, manifests[job.folder])
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


def _span(span: tuple[float, float]) -> str:
    lo, hi = span
    return f"{lo:g} minutes" if lo == hi else f"{lo:g} to {hi:g} minutes"


def _signature(
    digest: str, voice, fraction: float, fmt: str, caption_format: str, tags: export.Tags, minutes: float | None, bed
) -> str:
    from player.tts.cache import FORMAT_VERSION
    from player.tts.engines import get_engine

    blob = json.dumps(
        [
            RENDER_VERSION,
            FORMAT_VERSION,
            digest,
            voice.engine,
            get_engine(voice.engine).identity(voice.voice),
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


def _captions_ok(audio: Path, fmt: str) -> bool:
    return fmt == "none" or audio.with_suffix(f".{fmt}").exists()


def _load_manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_manifest(folder: Path, manifest: dict) -> None:
    write_text(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True), "render manifest")


def _write_playlist(folder: Path, week: Week, items: list[tuple[str, float, str]]) -> Path:
    lines = ["#EXTM3U", f"#PLAYLIST:Week {week.number}: {week.theme}"]
    for name, seconds, title in items:
        lines += [f"#EXTINF:{round(seconds)},{title}", name]
    path = folder / (safe_name(f"Week {week.number} - {week.theme}") + ".m3u")
    write_text(path, "\n".join(lines) + "\n", "playlist")
    return path
