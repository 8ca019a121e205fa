"""The "engine" of a recorded line: its sound is the recording itself (the voice is the file's path), and
its loudness is brought to the speech's like any engine's."""

from __future__ import annotations

from pathlib import Path

from player.adapters.sound import recorded
from player.adapters.speech.base import SpeakAs, VoiceInfo

NAME = "recording"


class RecordingEngine:
    name = NAME

    def identity(self, voice: str | None = None) -> str:
        return f"{NAME} {self.model(voice)}"

    def model(self, voice: str | None = None) -> str:
        """The recording's own content: a new take of a line is a new sound."""
        return recorded.fingerprint(Path(voice or ""))

    def synthesize(self, text: str, voice: SpeakAs) -> bytes:
        return recorded.decode(Path(voice.voice or ""))

    def default_voice_id(self) -> str:
        return ""

    def voices(self) -> list[VoiceInfo]:
        return []

    def check_voice(self, voice: str | None) -> None:
        if not voice or not Path(voice).is_file():
            recorded.decode(Path(voice or ""))  # says which file is missing
