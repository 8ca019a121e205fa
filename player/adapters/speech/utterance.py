"""One line to be spoken, with the cache key of its sound: what every use of speech agrees on, light enough
to import where lengths are only looked up (`list`, `info`), with nothing of synthesis loaded."""

from __future__ import annotations

from dataclasses import dataclass

from player.adapters.speech.base import SpeakAs
from player.adapters.speech.cache import cache_key, own_key
from player.adapters.speech.engines import get_engine


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: SpeakAs
    key: str


def utterance(text: str, voice: SpeakAs, own: tuple[str, str] | None = None) -> Utterance:
    """An utterance with its cache key (text, voice model, rate and volume). `own` (kind, owner) marks the
    listener's own words, whose speech is kept apart from the course's."""
    key = cache_key(text, voice, get_engine(voice.engine).model(voice.voice))
    return Utterance(text, voice, own_key(own[0], own[1], key) if own else key)
