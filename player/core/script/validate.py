"""Every rule a valid script follows, checked on the TOML document, each problem located by its line.

tomllib gives no positions, so keys are located by `player.core.script.toml_lines`; each message says what to
change.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from player.core.errors import Problem
from player.core.script.checks import NAME, number_in, suggest
from player.core.script.model import (
    ENGINE_CHOICES,
    KINDS,
    RATE_RANGE,
    Background,
    Script,
    Step,
    VoiceSettings,
)
from player.core.script.steps import StepRules, has_sound, is_sound_file
from player.core.script.toml_lines import KeyPath, key_lines, line_of

MAX_TITLE_CHARS = 200


TOP_KEYS = ("title", "summary", "kind", "voice", "background", "step")
VOICE_KEYS = ("rate", "voice", "volume", "engine")
BACKGROUND_KEYS = ("sound", "volume_db", "fade_s")


class Validator(StepRules):
    """Checks a whole script document; the step rules are in `player.core.script.steps`."""

    def __init__(
        self, path: Path, text: str, bells: Collection[str] | None, backgrounds: Collection[str] | None
    ) -> None:
        self.path = path
        self.folder = Path(path).parent.as_posix()
        self.text = text
        self._lines: dict[KeyPath, int] | None = None
        self.bells = bells
        self.backgrounds = backgrounds
        self.problems: list[Problem] = []
        self.recordings: list[tuple[str, int]] = []
        self.events = 0

    @property
    def lines(self) -> dict[KeyPath, int]:
        # One scan of the text (about a millisecond for a course script) locates every key and step.
        if self._lines is None:
            self._lines = key_lines(self.text)
        return self._lines

    def step_line(self, where: KeyPath) -> int:
        """The line where a step starts: its `[[step]]` header, or its `{ ... }` inside `steps = [...]`."""
        return line_of(self.lines, where)

    def error(self, where: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.path, self.line_at(where), message))

    def line_at(self, where: KeyPath) -> int:
        return line_of(self.lines, where)

    def script(self, doc: dict[str, Any], digest: str) -> Script | None:
        for key in doc:
            if key not in TOP_KEYS:
                self.error((key,), f"unknown key '{key}' at the top of the script{suggest(key, TOP_KEYS)}")
        title = doc.get("title")
        if title is None:
            self.error((), 'the script has no title; add a line like: title = "Soothing breath"')
        elif not isinstance(title, str) or not title.strip():
            self.error(("title",), "title must be non-empty text in quotes")
        elif len(title) > MAX_TITLE_CHARS or any(ord(c) < 32 for c in title):
            self.error(("title",), f"title must be one line of at most {MAX_TITLE_CHARS} characters")
        summary = doc.get("summary", "")
        if not isinstance(summary, str):
            self.error(("summary",), "summary must be text in quotes")
            summary = ""
        kind = doc.get("kind")
        if kind is not None and kind not in KINDS:
            self.error(("kind",), f"kind must be one of {', '.join(repr(k) for k in KINDS)}")
            kind = None
        voice = self.voice(doc.get("voice"))
        background = self.background(doc.get("background"))
        raw_steps = doc.get("step")
        steps: tuple[Step, ...] = ()
        if raw_steps is None:
            self.error((), 'the script has no steps; add at least one [[step]] with a say = "..." line')
        elif not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
            self.error(("step",), "step must be written as [[step]] tables")
        elif not raw_steps:
            self.error(("step",), "the script has no steps; add at least one [[step]]")
        else:
            steps = self.steps(raw_steps, ("step",), depth=1, label="step ")
            if steps and not has_sound(steps):
                self.error((), "the script has nothing to hear; add a say or bell step")
        if self.problems or not isinstance(title, str):
            return None
        return Script(
            id=self.path.stem,
            title=title.strip(),
            steps=steps,
            path=self.path,
            summary=summary.strip(),
            kind=kind,
            voice=voice,
            background=background,
            digest=digest,
            sound_files=tuple(self.recordings),
        )

    # -- tables ------------------------------------------------------------------
    def voice(self, raw: Any) -> VoiceSettings:
        if raw is None:
            return VoiceSettings()
        if not isinstance(raw, dict):
            self.error(("voice",), "voice must be a table: [voice] with rate, voice, volume or engine")
            return VoiceSettings()
        for key in raw:
            if key not in VOICE_KEYS:
                self.error(("voice", key), f"unknown key '{key}' in [voice]{suggest(key, VOICE_KEYS)}")
        rate = raw.get("rate")
        if rate is not None and not number_in(rate, *RATE_RANGE):
            self.error(
                ("voice", "rate"), f"rate must be a number of words per minute from {RATE_RANGE[0]} to {RATE_RANGE[1]}"
            )
            rate = None
        name = raw.get("voice")
        if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 100):
            self.error(("voice", "voice"), 'voice must be a voice id or language code in quotes, like "en-gb"')
            name = None
        volume = raw.get("volume")
        if volume is not None and not number_in(volume, 0, 1):
            self.error(("voice", "volume"), "volume must be a number from 0 to 1")
            volume = None
        engine = raw.get("engine")
        if engine is not None and engine not in ENGINE_CHOICES:
            shown = engine if isinstance(engine, str) else str(engine)
            self.error(
                ("voice", "engine"),
                f"engine must be one of {', '.join(repr(e) for e in ENGINE_CHOICES)}{suggest(shown, ENGINE_CHOICES)}",
            )
            engine = None
        return VoiceSettings(
            engine=engine,
            voice=name.strip() if name else None,
            rate=None if rate is None else int(round(rate)),
            volume=None if volume is None else float(volume),
        )

    def background(self, raw: Any) -> Background | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.error(("background",), "background must be a table: [background] with sound, volume_db, fade_s")
            return None
        for key in raw:
            if key not in BACKGROUND_KEYS:
                self.error(("background", key), f"unknown key '{key}' in [background]{suggest(key, BACKGROUND_KEYS)}")
        sound = raw.get("sound")
        if isinstance(sound, str) and is_sound_file(sound):
            sound = self.sound_file(sound, ("background", "sound"))
        elif not isinstance(sound, str) or not NAME.match(sound):
            self.error(("background", "sound"), 'sound must name an ambience, like "rain"')
            return None
        elif self.backgrounds is not None and sound not in self.backgrounds:
            self.error(
                ("background", "sound"),
                f"no ambience called '{sound}'; available: {', '.join(sorted(self.backgrounds))}",
            )
        volume_db = raw.get("volume_db", -24.0)
        if not number_in(volume_db, -60, -6):
            self.error(
                ("background", "volume_db"), "volume_db must be a number from -60 to -6 (decibels below the voice)"
            )
            volume_db = -24.0
        fade = raw.get("fade_s", 4.0)
        if not number_in(fade, 0, 60):
            self.error(("background", "fade_s"), "fade_s must be a number of seconds from 0 to 60")
            fade = 4.0
        return Background(sound, float(volume_db), float(fade))
