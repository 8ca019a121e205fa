"""Every rule a valid script follows, checked on the TOML document, each problem located by its line.

tomllib gives no positions, so keys are located by `player.core.script.toml_lines`; each message says what to
change.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from player.adapters.speech.engines import ENGINE_CHOICES
from player.core.errors import Problem
from player.core.script.checks import is_number, number_in
from player.core.script.model import (
    INLINE_PAUSE,
    KINDS,
    NO_PAUSE,
    RATE_RANGE,
    Background,
    Bell,
    Pause,
    Repeat,
    Say,
    Script,
    Silence,
    Step,
    VoiceSettings,
    spoken_text,
)
from player.core.script.toml_lines import KeyPath, key_lines, line_of

MAX_PAUSE_S = 3600.0
MAX_REPEAT = 1000
#: Upper bound on the events one script may expand to; stops `repeat` from exploding.
MAX_EVENTS = 20000
MAX_NESTING = 4
MAX_SAY_CHARS = 5000
MAX_TITLE_CHARS = 200

_ANY_BRACKET = re.compile(r"\[[^\]]*\]?")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

TOP_KEYS = ("title", "summary", "kind", "voice", "background", "step")
VOICE_KEYS = ("rate", "voice", "volume", "engine")
BACKGROUND_KEYS = ("sound", "volume_db", "fade_s")
STEP_KEYS = ("say", "bell", "pause", "repeat", "steps")


def _suggest(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


class Validator:
    def __init__(
        self, path: Path, text: str, bells: Collection[str] | None, backgrounds: Collection[str] | None
    ) -> None:
        self.path = path
        self.text = text
        self._lines: dict[KeyPath, int] | None = None
        self.bells = bells
        self.backgrounds = backgrounds
        self.problems: list[Problem] = []
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
        self.problems.append(Problem(self.path, line_of(self.lines, where), message))

    def script(self, doc: dict[str, Any], digest: str) -> Script | None:
        for key in doc:
            if key not in TOP_KEYS:
                self.error((key,), f"unknown key '{key}' at the top of the script{_suggest(key, TOP_KEYS)}")
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
            if steps and not _has_sound(steps):
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
                self.error(("voice", key), f"unknown key '{key}' in [voice]{_suggest(key, VOICE_KEYS)}")
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
                f"engine must be one of {', '.join(repr(e) for e in ENGINE_CHOICES)}{_suggest(shown, ENGINE_CHOICES)}",
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
                self.error(("background", key), f"unknown key '{key}' in [background]{_suggest(key, BACKGROUND_KEYS)}")
        sound = raw.get("sound")
        if not isinstance(sound, str) or not _NAME.match(sound):
            self.error(("background", "sound"), 'sound must name an ambience, like "rain"')
            return None
        if self.backgrounds is not None and sound not in self.backgrounds:
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

    # -- steps -------------------------------------------------------------------
    def steps(self, raw: list[Any], where: KeyPath, depth: int, label: str) -> tuple[Step, ...]:
        out: list[Step] = []
        for index, item in enumerate(raw):
            here = where + (index,)
            name = f"{label}{index + 1}"
            if not isinstance(item, dict):
                self.error(here, f'{name} must be a table like {{ say = "...", pause = 4 }}')
                continue
            step = self.step(item, here, name, depth)
            if step is not None:
                out.append(step)
        return tuple(out)

    def step(self, raw: dict[str, Any], where: KeyPath, name: str, depth: int) -> Step | None:
        known = True
        for key in raw:
            if key not in STEP_KEYS:
                self.error(where + (key,), f"unknown key '{key}' in {name}{_suggest(key, STEP_KEYS)}")
                known = False
        if not known:
            return None
        line = self.step_line(where)
        kinds = [k for k in ("say", "bell", "repeat") if k in raw]
        if len(kinds) > 1:
            self.error(where, f"{name} has both {kinds[0]} and {kinds[1]}; split them into two steps")
            return None
        if "steps" in raw and "repeat" not in raw:
            self.error(where + ("steps",), f"{name} has steps but no repeat; add repeat = 2 (or more)")
            return None
        if "repeat" in raw:
            return self.repeat(raw, where, name, depth, line)
        pause = self.pause(raw, where, name) if "pause" in raw else NO_PAUSE
        if pause is None:
            return None
        if "say" in raw:
            return self.say(raw["say"], pause, where, name, line)
        if "bell" in raw:
            return self.bell(raw["bell"], pause, where, name, line)
        if "pause" in raw:
            self.events += 1
            return Silence(pause, line)
        self.error(where, f"{name} is empty; give it a say, bell, pause, or repeat with steps")
        return None

    def pause(self, raw: dict[str, Any], where: KeyPath, name: str) -> Pause | None:
        value = raw["pause"]
        here = where + ("pause",)
        if is_number(value):
            if not number_in(value, 0, math.inf):
                self.error(here, f"pause in {name} must be a number of seconds, 0 or more")
                return None
            if value > MAX_PAUSE_S:
                self.error(here, f"pause in {name} is longer than an hour; use at most {int(MAX_PAUSE_S)} seconds")
                return None
            return Pause.fixed(float(value))
        if isinstance(value, list):
            if len(value) != 2 or not all(number_in(v, -math.inf, math.inf) for v in value):
                self.error(here, f"an elastic pause in {name} is two numbers, [MIN, MAX], like [10, 60]")
                return None
            low, high = float(value[0]), float(value[1])
            if low < 0 or high < low:
                self.error(here, f"an elastic pause in {name} needs 0 <= MIN <= MAX, like [10, 60]")
                return None
            if high > MAX_PAUSE_S:
                self.error(here, f"pause in {name} is longer than an hour; use at most {int(MAX_PAUSE_S)} seconds")
                return None
            return Pause(low, high, elastic=high > low)
        self.error(here, f"pause in {name} must be seconds (like 5) or a range (like [10, 60])")
        return None

    def say(self, value: Any, pause: Pause, where: KeyPath, name: str, line: int) -> Say | None:
        here = where + ("say",)
        if not isinstance(value, str):
            self.error(here, f"say in {name} must be text in quotes")
            return None
        if len(value) > MAX_SAY_CHARS:
            self.error(here, f"say in {name} is very long; split it into steps of under {MAX_SAY_CHARS} characters")
            return None
        if any(ord(c) < 32 and c not in "\n\t\r" for c in value):
            self.error(here, f"say in {name} contains control characters; remove them")
            return None
        leftover = INLINE_PAUSE.sub(" ", value)
        bad = _ANY_BRACKET.search(leftover)
        if bad:
            self.error(
                here, f"say in {name} has '{bad.group(0)}'; the only marker allowed is [pause N], like [pause 2]"
            )
            return None
        for m in INLINE_PAUSE.finditer(value):
            if float(m.group(1)) > MAX_PAUSE_S:
                self.error(here, f"an inline pause in {name} is longer than an hour")
                return None
        if not spoken_text(value):
            self.error(here, f"say in {name} is empty; write the words to speak, or use pause = N for silence")
            return None
        self.events += 2 + len(INLINE_PAUSE.findall(value)) * 2
        return Say(value, pause, line)

    def bell(self, value: Any, pause: Pause, where: KeyPath, name: str, line: int) -> Bell | None:
        here = where + ("bell",)
        if not isinstance(value, str) or not _NAME.match(value):
            self.error(here, f'bell in {name} must name a sound, like "bowl" (lowercase letters, digits, - and _)')
            return None
        if self.bells is not None and value not in self.bells:
            self.error(
                here,
                f"no bell called '{value}'{_suggest(value, self.bells)}; available: {', '.join(sorted(self.bells))}",
            )
            return None
        self.events += 2
        return Bell(value, pause, line)

    def repeat(self, raw: dict[str, Any], where: KeyPath, name: str, depth: int, line: int) -> Repeat | None:
        count = raw["repeat"]
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_REPEAT:
            self.error(where + ("repeat",), f"repeat in {name} must be a whole number from 1 to {MAX_REPEAT}")
            return None
        if "pause" in raw:
            self.error(
                where + ("pause",),
                f"{name} repeats steps, so it cannot have its own pause; put the pause inside its steps",
            )
            return None
        inner = raw.get("steps")
        if inner is None:
            self.error(where, f'{name} has repeat but no steps; add steps = [ {{ say = "...", pause = 4 }} ]')
            return None
        if not isinstance(inner, list) or not inner:
            self.error(where + ("steps",), f"steps in {name} must be a non-empty list of tables")
            return None
        if depth >= MAX_NESTING:
            self.error(where, f"{name} nests repeats more than {MAX_NESTING} deep; flatten them")
            return None
        before = self.events
        self.events = 0
        steps = self.steps(inner, where + ("steps",), depth + 1, f"{name}, inner step ")
        expanded = self.events * count
        self.events = before + expanded
        if self.events > MAX_EVENTS:
            self.error(
                where + ("repeat",),
                f"{name} repeats too much: the script would hold over {MAX_EVENTS} parts; lower repeat",
            )
            self.events = before
            return None
        if len(steps) != len(inner):
            return None
        return Repeat(count, steps, line)


def _has_sound(steps: tuple[Step, ...]) -> bool:
    return any(isinstance(s, (Say, Bell)) or (isinstance(s, Repeat) and _has_sound(s.steps)) for s in steps)
