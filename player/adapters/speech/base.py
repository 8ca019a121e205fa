"""The engine interface every speech engine implements, and the voice settings it receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SpeakAs:
    """Fully resolved voice settings for one utterance."""

    engine: str
    voice: str | None
    rate: int
    volume: float


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers."""

    id: str
    engine: str
    language: str
    sample_rate: int
    name: str = ""


class Engine(Protocol):
    """A speech engine. `synthesize` returns raw mono 16-bit PCM at `SAMPLE_RATE`."""

    name: str

    def identity(self, voice: str | None = None) -> str:
        """Engine name and version (and the voice model's, where it has one), cheap. A soft check only:
        what a line sounds like, and so its length, is keyed on the text, the voice model and the rate."""

    def model(self, voice: str | None = None) -> str:
        """The voice model that shapes the sound (never a library's version), cheap; part of every key."""

    def synthesize(self, text: str, voice: SpeakAs) -> bytes:
        """Speak `text` and return its PCM (engine silence not yet trimmed)."""

    def default_voice_id(self) -> str:
        """The voice used when none is asked for."""

    def voices(self) -> list[VoiceInfo]:
        """Every voice this engine can use."""

    def check_voice(self, voice: str | None) -> None:
        """Raise `MissingTool`/`CompassionError` when `voice` cannot be used."""
