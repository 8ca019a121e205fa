"""The use cases the command line and the TUI share: load, plan, render.

Everything here works on plain values; nothing prints. Progress is reported through callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from player import config, paths
from player.audio import captions, export, sounds
from player.audio.timeline import Clip, Sized, Timeline, build, fraction_for, length_range, range_minutes
from player.catalog import Catalog, Entry
from player.errors import CompassionError, WorkFailed
from player.model.script import DEFAULT_RATE, Background, BellSound, Script, Speech
from player.tts import synth
from player.tts.base import SAMPLE_RATE, SpeakAs
from player.tts.cache import SpeechCache
from player.tts.engines import resolve_engine

Progress = Callable[[str, int, int], None]


@dataclass
class Context:
    """What every use case needs: where data lives, the settings, the cache and the catalog."""

    data_dir: Path
    config_dir: Path
    settings: config.Settings
    cache: SpeechCache
    catalog: Catalog
    #: A running pool of synthesis workers (a concurrent.futures executor), or None to start one when needed.
    pool: object | None = None


def open_context(data_dir: str | Path | None = None) -> Context:
    """Resolve folders and read settings. With `--data-dir`, settings live there too (unless overridden)."""
    import os

    data = paths.data_dir(data_dir)
    if data_dir and not os.environ.get("COMPASSION_CONFIG_DIR"):
        conf_dir = data
    else:
        conf_dir = paths.config_dir()
    settings = config.load(conf_dir)
    return Context(data, conf_dir, settings, SpeechCache(paths.cache_dir()), Catalog(data))


def speak_as(script: Script, settings: config.Settings, engine: str | None = None) -> SpeakAs:
    """The voice for a script: `--engine`, the script's [voice], `COMPASSION_ENGINE`, settings, defaults."""
    import os

    v = script.voice
    wanted = (
        engine
        or (v.engine if v.engine not in (None, "auto") else None)
        or os.environ.get("COMPASSION_ENGINE")
        or settings.voice_engine
    )
    name = resolve_engine(wanted)
    voice = v.voice or settings.voice or None
    if name == "piper":
        voice = _piper_voice(voice)
    return SpeakAs(
        engine=name,
        voice=voice,
        rate=v.rate or settings.rate or DEFAULT_RATE,
        volume=1.0 if v.volume is None else v.volume,
    )


def _piper_voice(requested: str | None) -> str:
    """A Piper voice id: the one asked for, else one speaking the asked-for language, else the default."""
    from player.tts import piper_engine

    voices = piper_engine.installed_voices()
    if requested in {p.id for p in voices}:
        return requested
    if requested:
        lang = requested.lower().replace("_", "-")
        for p in voices:
            code = p.language.lower().replace("_", "-")
            if code == lang or code.split("-")[0] == lang.split("-")[0]:
                return p.id
    return piper_engine.default_voice()


def resolve_background(script: Script, override: str | None) -> tuple[bytes, Background] | None:
    """The ambience for a session: `--background NAME|none`, else the script's [background]."""
    if override == "none":
        return None
    chosen = script.background
    if override:
        chosen = Background(override, chosen.volume_db, chosen.fade_s) if chosen else Background(override)
    if chosen is None:
        return None
    found = sounds.ambiences()
    if chosen.sound not in found:
        raise CompassionError(f"no ambience called '{chosen.sound}'", f"available: {', '.join(sorted(found))}, none")
    return sounds.load(found[chosen.sound]), chosen


@dataclass
class Plan:
    """A script made concrete: its voice, every sound's length, and (once a length is chosen) its timeline."""

    script: Script
    voice: SpeakAs
    items: list[Sized]
    user_sounds: Path | None = None
    timeline: Timeline | None = None

    def range_seconds(self) -> tuple[float, float]:
        return length_range(self.items, SAMPLE_RATE)

    def range_minutes(self) -> tuple[float, float]:
        return range_minutes(*self.range_seconds())

    def fit(self, minutes: float | None) -> Timeline:
        fraction = fraction_for(self.items, SAMPLE_RATE, minutes, self.script.id)
        self.timeline = build(self.items, SAMPLE_RATE, fraction)
        return self.timeline


def plan(
    ctx: Context,
    script: Script,
    engine: str | None = None,
    progress: Progress | None = None,
) -> Plan:
    """Synthesize what is missing from the cache and measure every sound of the script."""
    voice = speak_as(script, ctx.settings, engine)
    events = script.events()
    texts = {e.text for e in events if isinstance(e, Speech)}
    utterances = {t: synth.utterance(t, voice) for t in texts}
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    frames = synth.ensure(ctx.cache, list(utterances.values()), report, ctx.pool)
    user_dir = ctx.catalog.user_dir
    items: list[Sized] = []
    for e in events:
        if isinstance(e, Speech):
            u = utterances[e.text]
            items.append(Sized(e, frames[u.key], u.key))
        elif isinstance(e, BellSound):
            items.append(Sized(e, len(sounds.load_bell(e.name, user_dir)) // 2))
        else:
            items.append(Sized(e))
    return Plan(script, voice, items, user_dir)


def clip_source(ctx: Context, user_sounds: Path | None) -> Callable[[Clip], bytes]:
    """Reads each clip's PCM: speech from the cache, bells from the sound folders."""

    def source(clip: Clip) -> bytes:
        if clip.kind == "bell":
            return sounds.load_bell(clip.ref, user_sounds)
        data = ctx.cache.read(clip.ref)
        if data is None:
            raise WorkFailed("the speech cache changed while rendering", "run the command again")
        return data

    return source


@dataclass
class RenderResult:
    audio: Path
    captions: Path | None
    duration: float
    skipped: bool = False
    cues: list = field(default_factory=list)


def output_format(out: Path | None, fmt: str | None) -> str:
    """The format from `--format`, else from the output's extension, else WAV."""
    if fmt:
        if fmt not in export.FORMATS:
            raise CompassionError(f"unknown format '{fmt}'", f"use one of: {', '.join(export.FORMATS)}")
        return fmt
    if out is not None and out.suffix.lower().lstrip(".") in export.FORMATS:
        return out.suffix.lower().lstrip(".")
    return "wav"


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
) -> RenderResult:
    """Render one script to `out` (and its caption sidecar). Nothing partial is left on failure."""
    if fmt != "wav":
        export.require_ffmpeg(fmt)
    bed = resolve_background(script, background)
    p = plan(ctx, script, engine, progress)
    timeline = p.fit(minutes)
    tags = tags or export.Tags(title=script.title)
    report = (lambda done, total: progress("audio", done, total)) if progress else None
    export.write(timeline, clip_source(ctx, p.user_sounds), out, fmt, tags, report, bed)
    cues = timeline.cues()
    cap = captions.write(out, caption_format, cues, script.title, tags.album)
    return RenderResult(out, cap, timeline.duration, cues=cues)


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


def resolve_script(ctx: Context, target: str) -> tuple[Entry, Script]:
    entry = ctx.catalog.resolve(target)
    return entry, ctx.catalog.load(entry)


def exercise_summary(ctx: Context, entry: Entry, script: Script, engine: str | None = None,
                     progress: Progress | None = None) -> dict:
    """One exercise as `list --json` shows it: its length range comes from real, cached speech."""
    lo, hi = plan(ctx, script, engine, progress).range_minutes()
    return {"id": entry.id, "title": script.title, "kind": script.kind or "", "min_minutes": lo, "max_minutes": hi}


def course_listing(ctx: Context, engine: str | None = None, progress: Progress | None = None) -> dict:
    """The course and the user's own scripts, as `compassion list --json` prints them."""
    course = ctx.catalog.course
    entries = ctx.catalog.course_entries()
    weeks = []
    for week in course.weeks:
        exercises = []
        for ex in week.exercises:
            entry = entries[ex]
            exercises.append(exercise_summary(ctx, entry, ctx.catalog.load(entry), engine, progress))
        weeks.append({
            "number": week.number, "theme": week.theme, "intention": week.intention,
            "goal_days": week.goal_days, "exercises": exercises,
        })
    mine = []
    for item in ctx.catalog.my_scripts():
        if item.script is None:
            mine.append({"id": item.entry.id, "path": str(item.entry.path), "error": item.error.lines()[0]})
        else:
            summary = exercise_summary(ctx, item.entry, item.script, engine, progress)
            mine.append({**summary, "path": str(item.entry.path)})
    return {"title": course.title, "weeks": weeks, "my_scripts": mine}


def estimate_range(ctx: Context, script: Script) -> tuple[float, float]:
    """A quick length range in minutes from word counts (shown until real speech has been measured)."""
    from player.audio.timeline import Sized

    rate = speak_as(script, ctx.settings, "pyttsx3").rate
    items: list[Sized] = []
    for e in script.events():
        if isinstance(e, Speech):
            items.append(Sized(e, int((len(e.text.split()) / rate * 60 + 0.25) * SAMPLE_RATE)))
        elif isinstance(e, BellSound):
            try:
                items.append(Sized(e, len(sounds.load_bell(e.name, ctx.catalog.user_dir)) // 2))
            except CompassionError:
                items.append(Sized(e))
        else:
            items.append(Sized(e))
    return range_minutes(*length_range(items, SAMPLE_RATE))
