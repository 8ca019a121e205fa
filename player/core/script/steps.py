"""The rules for a script's steps: what each step may say, ring or wait, and how often it repeats."""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Collection
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

from player.core.script.checks import NAME, is_number, number_in, suggest, whole_in
from player.core.script.model import (
    INLINE_PAUSE,
    NO_PAUSE,
    Bell,
    Letter,
    Pause,
    Phrases,
    Repeat,
    Say,
    Silence,
    Step,
    spoken_text,
)
from player.core.script.toml_lines import KeyPath

MAX_PAUSE_S = 3600.0
MAX_REPEAT = 1000
#: Upper bound on the events one script may expand to; stops `repeat` from exploding.
MAX_EVENTS = 20000
MAX_NESTING = 4
MAX_SAY_CHARS = 5000

_ANY_BRACKET = re.compile(r"\[[^\]]*\]?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
STEP_KEYS = ("say", "bell", "phrases", "letter", "pause", "repeat", "steps", "count", "if_letter", "audio", "rate")
#: A line's own pace (`rate`), relative to the listener's: 0.85 is a little slower.
LINE_RATE = (0.5, 2.0)
#: The kinds of file a recorded line may be.
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")
#: At most this many phrases of the script's own in a `phrases` step (the listener keeps up to six).
MAX_PHRASES = 12
#: The most phrases a listener keeps (a `count` asks for at most this many of theirs).
LISTENER_PHRASES = 6


def is_sound_file(value: Any) -> bool:
    """Whether a bell or ambience is named by a relative path to a sound file (`media/gong.flac`) rather
    than by the name of one of the app's sounds."""
    return (
        isinstance(value, str)
        and value.lower().endswith(AUDIO_SUFFIXES)
        and "/" in value.replace("\\", "/")
        and not PurePosixPath(value.replace("\\", "/")).is_absolute()
    )


class StepRules:
    """The step half of the Validator, which provides where problems go and which bells exist."""

    events: int
    bells: Collection[str] | None
    #: The script's folder, as a path string: recordings are found from it.
    folder: str
    #: Every recorded line met (its file, resolved, and its line).
    recordings: list[tuple[str, int]]

    def error(self, where: KeyPath, message: str) -> None:
        raise NotImplementedError

    def step_line(self, where: KeyPath) -> int:
        raise NotImplementedError

    def line_at(self, where: KeyPath) -> int:
        """The line of a key."""
        raise NotImplementedError

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
                self.error(where + (key,), f"unknown key '{key}' in {name}{suggest(key, STEP_KEYS)}")
                known = False
        if not known:
            return None
        line = self.step_line(where)
        kinds = [k for k in ("say", "bell", "phrases", "letter", "repeat") if k in raw]
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
        for key, goes_with in (("count", "phrases"), ("if_letter", "say"), ("audio", "say"), ("rate", "say")):
            if key in raw and goes_with not in raw:
                self.error(where + (key,), f"{key} in {name} goes with {goes_with}; add {goes_with} or remove {key}")
                return None
        if "if_letter" in raw and not isinstance(raw["if_letter"], bool):
            self.error(where + ("if_letter",), f"if_letter in {name} is true or false")
            return None
        if "say" in raw:
            said = self.say(raw["say"], pause, where, name, line)
            if said is not None and "audio" in raw:
                said = self.recorded(said, raw["audio"], where, name)
            if said is not None and "rate" in raw:
                if not number_in(raw["rate"], *LINE_RATE) or "audio" in raw:
                    self.error(
                        where + ("rate",),
                        f"rate in {name} is the line's pace relative to the listener's, from "
                        f"{LINE_RATE[0]} to {LINE_RATE[1]} (0.85 is a little slower); a recording keeps its own",
                    )
                    return None
                said = replace(said, rate=float(raw["rate"]))
            return said if said is None or not raw.get("if_letter") else replace(said, if_letter=True)
        if "bell" in raw:
            return self.bell(raw["bell"], pause, where, name, line)
        if "phrases" in raw:
            found = self.phrases(raw["phrases"], pause, where, name, line)
            if found is None or "count" not in raw:
                return found
            if not whole_in(raw["count"], 1, LISTENER_PHRASES):
                self.error(where + ("count",), f"count in {name} is how many of the listener's phrases, 1 to 6")
                return None
            return replace(found, count=raw["count"])
        if "letter" in raw:
            said = self.say(raw["letter"], NO_PAUSE, where + ("letter",), name, line, key="letter")
            return None if said is None else Letter(said.text, pause, line)
        if "pause" in raw:
            self.events += 1
            return Silence(pause, line)
        self.error(where, f"{name} is empty; give it a say, bell, phrases, letter, pause, or repeat with steps")
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

    def phrases(self, value: Any, pause: Pause, where: KeyPath, name: str, line: int) -> Phrases | None:
        """`phrases = ["...", ...]`: the script's own phrases, spoken when the listener has none."""
        here = where + ("phrases",)
        if not isinstance(value, list) or not value or len(value) > MAX_PHRASES:
            self.error(here, f'phrases in {name} is a list of 1 to {MAX_PHRASES} lines, like ["May I be kind."]')
            return None
        texts = []
        for i, item in enumerate(value):
            said = self.say(item, NO_PAUSE, here + (i,), name, line, key="each phrase")
            if said is None:
                return None
            texts.append(said.text)
        self.events += 2 * len(texts)
        return Phrases(tuple(texts), pause, line)

    def say(self, value: Any, pause: Pause, where: KeyPath, name: str, line: int, key: str = "say") -> Say | None:
        here = where + ("say",) if key == "say" else where
        if not isinstance(value, str):
            self.error(here, f"{key} in {name} must be text in quotes")
            return None
        if len(value) > MAX_SAY_CHARS:
            self.error(here, f"{key} in {name} is very long; split it into steps of under {MAX_SAY_CHARS} characters")
            return None
        if _CONTROL.search(value):
            self.error(here, f"{key} in {name} contains control characters; remove them")
            return None
        leftover = INLINE_PAUSE.sub(" ", value)
        bad = _ANY_BRACKET.search(leftover)
        if bad:
            self.error(
                here, f"{key} in {name} has '{bad.group(0)}'; the only marker allowed is [pause N], like [pause 2]"
            )
            return None
        for m in INLINE_PAUSE.finditer(value):
            if float(m.group(1)) > MAX_PAUSE_S:
                self.error(here, f"an inline pause in {name} is longer than an hour")
                return None
        if not spoken_text(value):
            self.error(here, f"{key} in {name} is empty; write the words to speak, or use pause = N for silence")
            return None
        self.events += 2 + len(INLINE_PAUSE.findall(value)) * 2
        return Say(value, pause, line)

    def recorded(self, said: Say, value: Any, where: KeyPath, name: str) -> Say | None:
        """`audio = "PATH"` beside `say`: the recording is heard, the words are its caption. The path is
        relative to this script's folder."""
        here = where + ("audio",)
        if not isinstance(value, str) or not value.strip() or PurePosixPath(value.replace("\\", "/")).is_absolute():
            self.error(here, f'audio in {name} is a path relative to this script, like "media/welcome.mp3"')
            return None
        if not value.lower().endswith(AUDIO_SUFFIXES):
            self.error(here, f"audio in {name} must be a WAV, FLAC, Ogg/Opus or MP3 file ({', '.join(AUDIO_SUFFIXES)})")
            return None
        if INLINE_PAUSE.search(said.text):
            self.error(where + ("say",), f"say in {name} is the caption of a recording; leave out [pause N]")
            return None
        resolved = self.sound_file(value, here)
        return replace(said, audio=resolved, audio_line=self.line_at(here))

    def sound_file(self, value: str, here: KeyPath) -> str:
        """A sound named by its path (a recording, or a pack's own bell or ambience): resolved from this
        script's folder, and kept to be decoded and checked with the script."""
        resolved = posixpath.normpath(posixpath.join(self.folder, value.replace("\\", "/")))
        self.recordings.append((resolved, self.line_at(here)))
        return resolved

    def bell(self, value: Any, pause: Pause, where: KeyPath, name: str, line: int) -> Bell | None:
        here = where + ("bell",)
        if is_sound_file(value):
            self.events += 2
            return Bell(self.sound_file(value, here), pause, line)
        if not isinstance(value, str) or not NAME.match(value):
            self.error(here, f'bell in {name} must name a sound, like "bowl" (lowercase letters, digits, - and _)')
            return None
        if self.bells is not None and value not in self.bells:
            self.error(
                here,
                f"no bell called '{value}'{suggest(value, self.bells)}; available: {', '.join(sorted(self.bells))}",
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


def has_sound(steps: tuple[Step, ...]) -> bool:
    return any(isinstance(s, (Say, Bell)) or (isinstance(s, Repeat) and has_sound(s.steps)) for s in steps)
