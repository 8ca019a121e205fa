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
from player.adapters.speech.base import SpeakAs
from player.adapters.speech.engines import resolve_engine
from player.adapters.speech.utterance import Utterance, utterance
from player.app import words
from player.app.context import Context, Progress
from player.core.errors import CompassionError, Problem, ScriptError, WorkFailed
from player.core.script.model import (
    DEFAULT_RATE,
    RATE_RANGE,
    Background,
    BellSound,
    Event,
    Script,
    Speech,
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

#: Said of a rendered file that speaks the listener's own words.
PRIVATE_NOTE = "the file is readable by you only (--course-words makes one to share)"


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
    if "/" in chosen.sound:  # a sound file the script names by its path (a pack's own ambience)
        from player.adapters.sound import recorded

        return recorded.decode(Path(chosen.sound)), chosen
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
    utterances: list[Utterance] = field(default_factory=list)
    margins: Margins = MARGINS

    @property
    def exact(self) -> bool:
        return all(s.exact for s in self.items)

    @property
    def speaks_own_words(self) -> bool:
        """Whether it speaks the listener's own phrases or letter (a file of it is private)."""
        return bool(self.own_words)

    @property
    def own_words(self) -> str:
        """What of the listener's own words it speaks: "your letter", "your phrases", both, or ""."""
        kinds = {s.event.own for s in self.items if isinstance(s.event, Speech) and s.event.own}
        return " and ".join(f"your {k}" for k in ("letter", "phrases") if k in kinds)

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


def paced(voice: SpeakAs, pace: float | None) -> SpeakAs:
    """The voice at a segment's own pace, relative to the listener's (a letter is read slower)."""
    if pace is None:
        return voice
    low, high = RATE_RANGE
    return replace(voice, rate=max(low, min(high, round(voice.rate * pace))))


def spoken_lines(events: list[Event], voice: SpeakAs, owner: str = "") -> dict[Speech, Utterance]:
    """Each distinct spoken segment of `events`, as made: in the script's voice, at its own pace where it
    has one. The listener's own words are kept apart, under `owner`."""
    out: dict[Speech, Utterance] = {}
    for e in events:
        if isinstance(e, Speech) and e not in out and e.audio:
            out[e] = utterance(e.text, recorded_as(voice, e.audio))
        elif isinstance(e, Speech) and e not in out:
            own = (e.own, owner) if e.own and owner else None
            out[e] = utterance(e.text, paced(voice, e.pace), own)
    return out


def recorded_as(voice: SpeakAs, audio: str) -> SpeakAs:
    """A recorded line: the recording is the voice, at the listener's volume (its pace is its own)."""
    return SpeakAs("recording", audio, voice.rate, voice.volume)


def heard_lines(
    ctx: Context, script: Script, engine: str | None = None, course_words: bool = False
) -> tuple[SpeakAs, list[Event], dict[Speech, Utterance]]:
    """The voice, the events and each distinct spoken line of `script`, as this listener hears it."""
    voice = speak_as(script, ctx.settings, engine)
    heard = words.heard(ctx, script, course_words)
    events = script.events(heard)
    return voice, events, spoken_lines(events, voice, heard.owner)


def plan(
    ctx: Context,
    script: Script,
    engine: str | None = None,
    progress: Progress | None = None,
    *,
    synthesize: bool = True,
    cancel: threading.Event | None = None,
    course_words: bool = False,
) -> Plan:
    """Measure every sound of the script as this listener hears it: with their own words where it speaks
    them (`words.heard`), unless the course's wording is asked for (`course_words`).

    With `synthesize`, speech missing from the cache is made first (blocking), so every length is exact.
    Without, nothing is made: lengths come from the cache, else the durations manifest, else estimates.
    """
    from player.adapters.speech import manifest

    voice, events, utterances = heard_lines(ctx, script, engine, course_words)
    ordered = list(utterances.values())
    known: dict[str, int] = {}
    if synthesize:
        report = (lambda done, total: progress("speech", done, total)) if progress else None
        from player.adapters.speech import synth

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
            u = utterances[e]
            if u.key in known:
                items.append(Sized(e, known[u.key], u.key))
            else:
                items.append(Sized(e, estimate_frames(e.text, u.voice.rate), u.key, exact=False))
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


def make_own_speech(
    ctx: Context, scripts: list[Script] | None = None, progress: Progress | None = None, engine: str | None = None
) -> int:
    """Make the speech of the listener's own words (phrases, letter) for `scripts` (by default every
    practice of the course and of My scripts that speaks them), as they will hear it, so that every length
    shown is exact; returns how many lines were made."""
    if scripts is None:
        scripts = _speaking_own_words(ctx)
    wanted: dict[str, Utterance] = {}
    for script in scripts:
        if script.uses_words:
            _, _, lines = heard_lines(ctx, script, engine)
            wanted |= {u.key: u for e, u in lines.items() if e.own}
    missing = [u for u in wanted.values() if ctx.cache.frames(u.key) is None]
    if not missing:
        return 0
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    from player.adapters.speech import synth

    synth.ensure(ctx.cache, missing, report)
    return len(missing)


def _speaking_own_words(ctx: Context) -> list[Script]:
    found = []
    for entry in ctx.catalog.course_entries().values():
        try:
            script = ctx.catalog.load(entry)
        except CompassionError:
            continue
        if script.uses_words:
            found.append(script)
    found += [m.script for m in ctx.catalog.my_scripts() if m.script is not None and m.script.uses_words]
    return found


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
