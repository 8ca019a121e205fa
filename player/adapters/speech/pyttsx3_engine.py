"""The always-available engine: pyttsx3, which speaks through espeak-ng on Linux (nsss/sapi5 elsewhere).

On espeak-ng we use pyttsx3's own binding and driver, but drive synthesis ourselves: pyttsx3's run loop
sleeps 10 ms per utterance, keeps only the last of several `save_to_file` calls, prints "Audio saved to"
on stdout and grows its buffer quadratically. Initialising the library in synchronous retrieval mode and
collecting the callback's chunks in a list makes one utterance cost what espeak-ng itself needs.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import sys
import threading
import wave
from functools import lru_cache
from typing import Any

from player.adapters.sound import pcm as pcmops
from player.adapters.speech.base import SpeakAs, VoiceInfo
from player.core.errors import CompassionError, MissingTool
from player.core.timeline import SAMPLE_RATE

NAME = "pyttsx3"
DEFAULT_VOICE = "en"
#: espeak-ng speaks about 1.19 times faster than its rate setting once sentence pauses are counted;
#: scaling makes `rate` mean what scripts say it means: words per minute as heard.
ESPEAK_RATE_SCALE = 0.84
_AUDIO_OUTPUT_SYNCHRONOUS = 2
#: espeak-ng hands its sound over in pieces this long: a minute, so a line comes back in one piece and the
#: thread speaking seldom waits for Python's lock while another thread levels the line before.
BUFFER_MS = 60_000


def install_hint() -> str:
    if sys.platform == "darwin":
        return "pyttsx3 uses the macOS voices; reinstall the app with `make setup`"
    return "install espeak-ng: `sudo apt-get install espeak-ng libespeak-ng1` (or run `make setup`)"


@lru_cache(maxsize=1)
def _espeak_binding():
    """pyttsx3's ctypes binding to libespeak-ng, or MissingTool when the library is absent."""
    try:
        from pyttsx3.drivers import _espeak
    except (RuntimeError, OSError, ImportError):
        raise MissingTool("espeak-ng is not installed, so there is no voice to speak with", install_hint()) from None
    return _espeak


@lru_cache(maxsize=1)
def _pyttsx3_version() -> str:
    # The dist-info folder name carries the version; reading it avoids parsing package metadata on
    # every command (the cache key needs it even when nothing is synthesized).
    import importlib.util

    spec = importlib.util.find_spec("pyttsx3")
    if spec and spec.origin:
        site = os.path.dirname(os.path.dirname(spec.origin))
        for name in os.listdir(site):
            if name.startswith("pyttsx3-") and name.endswith(".dist-info"):
                return name[len("pyttsx3-") : -len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:  # pragma: no cover - it is a dependency
        return "?"


def _uses_espeak() -> bool:
    return sys.platform not in ("darwin", "win32")


class Pyttsx3Engine:
    """Speech through pyttsx3. One instance per process; not thread-safe (espeak-ng is not)."""

    name = NAME

    def __init__(self) -> None:
        self._ready = False
        self._chunks: list[bytes] = []
        self._callback: Any = None
        self._lock = threading.Lock()
        self._driver: Any = None
        self._voices: list[VoiceInfo] | None = None
        self._applied: SpeakAs | None = None

    # -- identity (cheap: no synthesis set-up) -------------------------------------
    def identity(self, voice: str | None = None) -> str:
        version = _pyttsx3_version()
        if _uses_espeak():
            lib = _espeak_binding().Info() or b"?"
            return f"pyttsx3-{version}/espeak-ng-{lib.decode(errors='replace')}"
        return f"pyttsx3-{version}/{sys.platform}"

    def model(self, voice: str | None = None) -> str:
        """The voice model: espeak-ng's voice (or the system's, off Linux)."""
        system = "espeak-ng" if _uses_espeak() else sys.platform
        return f"{system}:{voice or self._default_voice()}"

    # -- synthesis -------------------------------------------------------------------
    def _start(self) -> None:
        if self._ready:
            return
        if _uses_espeak():
            es = _espeak_binding()
            from pyttsx3.drivers.espeak import EspeakDriver

            rate = es.Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS)
            if rate == -1:
                raise MissingTool("espeak-ng could not start (its voice data may be missing)", install_hint())
            # Tell pyttsx3 the library is initialised so a later pyttsx3.init() does not redo it.
            EspeakDriver._moduleInitialized = True
            EspeakDriver._defaultVoice = DEFAULT_VOICE

            def collect(wav, numsamples, events):
                if numsamples > 0:
                    self._chunks.append(ctypes.string_at(wav, numsamples * 2))
                return 0

            self._callback = collect
            es.SetSynthCallback(collect)
            self._driver = EspeakDriver
        else:  # pragma: no cover - macOS / Windows
            import pyttsx3

            self._driver = pyttsx3.init()
        self._ready = True

    def synthesize(self, text: str, voice: SpeakAs) -> bytes:
        with self._lock:
            self._start()
            self._apply(voice)
            if _uses_espeak():
                es = _espeak_binding()
                self._chunks = []
                es.SetSynthCallback(self._callback)
                es.Synth(text.encode("utf-8"), flags=es.CHARS_UTF8)
                return b"".join(self._chunks)
            return self._synthesize_via_file(text)  # pragma: no cover - macOS / Windows

    def _apply(self, voice: SpeakAs) -> None:
        # Selecting a voice reloads its data in espeak-ng; skip it when nothing changed.
        if self._applied == voice:
            return
        driver = self._driver
        try:
            driver.setProperty("voice", voice.voice or self._default_voice())
        except (ValueError, KeyError):
            raise CompassionError(
                f"the voice '{voice.voice}' is not available in pyttsx3",
                "run `compassion voices` to see the voices you can use",
            ) from None
        rate = voice.rate
        if _uses_espeak():
            rate = max(60, round(rate * ESPEAK_RATE_SCALE))
        driver.setProperty("rate", rate)
        driver.setProperty("volume", 1.0)  # volume is applied when the line is levelled
        self._applied = voice

    def default_voice_id(self) -> str:
        return self._default_voice()

    def _default_voice(self) -> str:
        return DEFAULT_VOICE if _uses_espeak() else ""

    def _synthesize_via_file(self, text: str) -> bytes:  # pragma: no cover - macOS / Windows
        # One utterance per runAndWait: several save_to_file calls before one run keep only the last file.
        import tempfile

        fd, name = tempfile.mkstemp(suffix=".wav")
        os.close(fd)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                self._driver.save_to_file(text, name)
                self._driver.runAndWait()
            with wave.open(name, "rb") as w:
                raw = w.readframes(w.getnframes())
                raw = pcmops.to_mono16(raw, w.getsampwidth(), w.getnchannels())
                return pcmops.resample(raw, w.getframerate(), SAMPLE_RATE)
        finally:
            os.unlink(name)

    # -- voices -----------------------------------------------------------------------
    def voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            self._start()
            out = []
            for v in self._driver.getProperty("voices"):
                langs = getattr(v, "languages", None) or [""]
                lang = langs[0].decode(errors="replace") if isinstance(langs[0], bytes) else str(langs[0])
                out.append(VoiceInfo(id=v.id, engine=NAME, language=lang, sample_rate=SAMPLE_RATE, name=v.name or v.id))
            self._voices = out
        return self._voices

    def check_voice(self, voice: str | None) -> None:
        if voice is None:
            return
        with self._lock:
            self._start()
            self._applied = None
            try:
                self._driver.setProperty("voice", voice)
            except (ValueError, KeyError):
                raise CompassionError(
                    f"the voice '{voice}' is not available in pyttsx3",
                    "run `compassion voices` to see the voices you can use",
                ) from None
