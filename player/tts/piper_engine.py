"""The optional neural engine (Piper). Filled in by the neural-voice work; absent means unavailable."""

from __future__ import annotations


def available() -> bool:
    return False


class PiperEngine:  # pragma: no cover - placeholder until the neural engine lands
    name = "piper"
