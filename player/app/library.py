"""The library of exercises: which script an id means, its voice and ambience, and its plan (every
sound's length, exact or estimated) from which sessions and renders are laid out.

Everything here works on plain values; nothing prints. Progress is reported through callbacks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from player.adapters import paths
from player.adapters import settings as config
from player.adapters.catalog import Entry
from player.adapters.sound import sounds
from player.adapters.speech import synth
from player.adapters.speech.base import SpeakAs
from player.adapters.speech.engines import resolve_engine
from player.app.context import Context, Progress
from player.core.errors import CompassionError, Problem, ScriptError, WorkFailed
from player.core.script.model import (
    DEFAULT_RATE,
    NO_WORDS,
    Background,
    BellSound,
    Event,
    Script,
    Speech,
    Words,
)
from player.core.timeline import (
    MARGINS,
    MAX_SESSION_S,
    SAMPLE_RATE,
    Clip,
    Margins,
    Sized,
    Timeline,
    build,
    fraction_for,
    length_range,
    range_minutes,
)


def speak_as(script: Script, settings: config.Settings, engine: str | None = None) -> SpeakAs:
    """The voice for a script: `--engine`, the script's [voice], `COMPASSION_ENGINE`, settings, defaults."""
    v = script.voice
    wanted = (
        engine
        or (v.engine if v.engine not in (None, "auto") else None)
        or paths.engine_override()
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
    from player.adapters.speech import piper_engine

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


def chosen_ambience(ctx: Context, override: str | None) -> str | None:
    """The ambience asked for a session played here: the command line's, else the settings' (None: the
    script's own)."""
    return override or ctx.settings.ambience or None


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
    """A script made concrete: its voice, every sound's length, and (once a length is chosen) its timeline.

    Lengths are exact when the speech is made (cached) or listed in the course's durations manifest;
    otherwise they are estimated from the words (`exact` is false) until the speech is made.
    """

    script: Script
    voice: SpeakAs
    items: list[Sized]
    user_sounds: Path | None = None
    timeline: Timeline | None = None
    utterances: list[synth.Utterance] = field(default_factory=list)
    margins: Margins = MARGINS

    @property
    def exact(self) -> bool:
        return all(s.exact for s in self.items)

    def range_seconds(self) -> tuple[float, float]:
        return length_range(self.items, SAMPLE_RATE, self.margins)

    def range_minutes(self) -> tuple[float, float]:
        return range_minutes(*self.range_seconds())

    def check(self, minutes: float | None) -> None:
        """Raise OutOfRange when `minutes` is outside what the script can run to."""
        fraction_for(self.items, SAMPLE_RATE, minutes, self.script.id, self.margins)

    def fit(self, minutes: float | None) -> Timeline:
        fraction = fraction_for(self.items, SAMPLE_RATE, minutes, self.script.id, self.margins)
        self.timeline = build(self.items, SAMPLE_RATE, fraction, self.margins)
        return self.timeline


def estimate_frames(text: str, rate_wpm: int) -> int:
    """A line's length from its words, used until its speech is made (sentence pauses included)."""
    words = len(text.split())
    sentences = max(1, sum(text.count(c) for c in ".?!"))
    return int((words / rate_wpm * 60 + 0.35 * (sentences - 1) + 0.2) * SAMPLE_RATE)


def spoken_lines(events: list[Event], voice: SpeakAs) -> dict[tuple[str, int | None], synth.Utterance]:
    """Each distinct spoken line of `events`, as made: in the script's voice, at its own pace where it
    has one (a letter is read slower)."""
    out: dict[tuple[str, int | None], synth.Utterance] = {}
    for e in events:
        if isinstance(e, Speech) and (e.text, e.rate) not in out:
            paced = voice if e.rate is None else replace(voice, rate=e.rate)
            out[(e.text, e.rate)] = synth.utterance(e.text, paced)
    return out


def plan(
    ctx: Context,
    script: Script,
    engine: str | None = None,
    progress: Progress | None = None,
    *,
    synthesize: bool = True,
    cancel: threading.Event | None = None,
    words: Words = NO_WORDS,
) -> Plan:
    """Measure every sound of the script, with the listener's own `words` where it speaks them.

    With `synthesize`, speech missing from the cache is made first (blocking), so every length is exact.
    Without, nothing is made: lengths come from the cache, else the durations manifest, else estimates.
    """
    from player.adapters.speech import manifest

    voice = speak_as(script, ctx.settings, engine)
    events = script.events(words)
    utterances = spoken_lines(events, voice)
    ordered = list(utterances.values())
    known: dict[str, int] = {}
    if synthesize:
        report = (lambda done, total: progress("speech", done, total)) if progress else None
        job = synth.ensure(ctx.cache, ordered, report, cancel)
        known = job.frames
        if job.total:
            ctx.tidy_cache(known)
    else:
        for u in ordered:
            n = ctx.cache.frames(u.key)
            if n is None:
                n = manifest.lookup(u.key, ctx.catalog.course_root)
            if n is not None:
                known[u.key] = n
    user_dir = ctx.catalog.user_dir
    items: list[Sized] = []
    for e in events:
        if isinstance(e, Speech):
            u = utterances[(e.text, e.rate)]
            if u.key in known:
                items.append(Sized(e, known[u.key], u.key))
            else:
                items.append(Sized(e, estimate_frames(e.text, e.rate or voice.rate), u.key, exact=False))
        elif isinstance(e, BellSound):
            items.append(Sized(e, len(sounds.load_bell(e.name, user_dir)) // 2))
        else:
            items.append(Sized(e))
    shortest, _ = length_range(items, SAMPLE_RATE, MARGINS)
    if shortest > MAX_SESSION_S:
        hours = shortest / 3600
        raise ScriptError(
            [Problem(script.path, 1, f"it runs at least {hours:.0f} hours; a practice can last at most 24 hours")]
        )
    return Plan(script, voice, items, user_dir, utterances=ordered)


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


def resolve_script(ctx: Context, target: str) -> tuple[Entry, Script]:
    entry = ctx.catalog.resolve(target)
    return entry, ctx.catalog.load(entry)
