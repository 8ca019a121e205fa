"""Exercise scripts as data: steps, voice and ambience settings, and the flat list of events they expand to.

Parsing and validation (and every rule about what a valid script holds) live in `player.core.script.validate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("core", "short", "informal")
DEFAULT_RATE = 150
RATE_RANGE = (80, 300)
#: Every speech engine, by the name scripts, settings and `--engine` use.
ENGINE_NAMES = ("pyttsx3", "piper")
#: What may be asked for: an engine, or "auto" (the neural voice when installed).
ENGINE_CHOICES = ("auto", *ENGINE_NAMES)

INLINE_PAUSE = re.compile(r"\[\s*pause\s+([0-9]+(?:\.[0-9]+)?)\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Pause:
    """A silence of `low` seconds, or, when elastic, anywhere from `low` to `high`."""

    low: float
    high: float
    elastic: bool = False

    @staticmethod
    def fixed(seconds: float) -> Pause:
        return Pause(seconds, seconds, False)

    def at(self, fraction: float) -> float:
        """Length in seconds when elastic pauses are set to `fraction` (0..1) of their range."""
        if not self.elastic:
            return self.low
        return self.low + fraction * (self.high - self.low)


NO_PAUSE = Pause(0.0, 0.0, False)


@dataclass(frozen=True)
class VoiceSettings:
    """How lines are spoken, as the script asks; `None` leaves the choice to settings and defaults."""

    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    volume: float | None = None


@dataclass(frozen=True)
class Background:
    """An ambience sound under the whole session."""

    sound: str
    volume_db: float = -24.0
    fade_s: float = 4.0


@dataclass(frozen=True)
class Say:
    text: str
    pause: Pause
    line: int


@dataclass(frozen=True)
class Bell:
    name: str
    pause: Pause
    line: int


@dataclass(frozen=True)
class Silence:
    pause: Pause
    line: int


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step, ...]
    line: int


Step = Say | Bell | Silence | Repeat


@dataclass(frozen=True)
class Speech:
    """One spoken segment: a `say` line, or the part of it between inline pauses."""

    text: str
    line: int


@dataclass(frozen=True)
class Gap:
    """A silence."""

    pause: Pause


@dataclass(frozen=True)
class BellSound:
    name: str


Event = Speech | Gap | BellSound


@dataclass(frozen=True)
class Script:
    """A validated exercise script."""

    id: str
    title: str
    steps: tuple[Step, ...]
    path: Path
    summary: str = ""
    kind: str | None = None
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    background: Background | None = None
    digest: str = ""

    def events(self) -> list[Event]:
        """The script as a flat list of speech segments, silences and bells, repeats expanded."""
        out: list[Event] = []
        _expand(self.steps, out)
        return out


def _expand(steps: tuple[Step, ...], out: list[Event]) -> None:
    for step in steps:
        if isinstance(step, Repeat):
            for _ in range(step.count):
                _expand(step.steps, out)
            continue
        if isinstance(step, Say):
            for part in split_inline_pauses(step.text):
                if isinstance(part, str):
                    out.append(Speech(part, step.line))
                else:
                    out.append(Gap(Pause.fixed(part)))
        elif isinstance(step, Bell):
            out.append(BellSound(step.name))
        if step.pause.high > 0:
            out.append(Gap(step.pause))


def split_inline_pauses(text: str) -> Iterator[str | float]:
    """Split a `say` text at `[pause N]` markers: spoken parts (str) and silences in seconds (float)."""
    pos = 0
    for m in INLINE_PAUSE.finditer(text):
        words = _tidy(text[pos : m.start()])
        if words:
            yield words
        yield float(m.group(1))
        pos = m.end()
    words = _tidy(text[pos:])
    if words:
        yield words


def spoken_text(text: str) -> str:
    """The words of a `say` text without its pause markers."""
    return " ".join(p for p in split_inline_pauses(text) if isinstance(p, str))


def _tidy(words: str) -> str:
    return " ".join(words.split())
