"""Exercise scripts as data: steps, voice and ambience settings, and the flat list of events they expand to.

Parsing and validation (and every rule about what a valid script holds) live in `player.core.script.validate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("core", "short", "informal")
DEFAULT_RATE = 150
RATE_RANGE = (80, 300)
#: Every speech engine, by the name scripts, settings and `--engine` use.
ENGINE_NAMES = ("pyttsx3", "piper")
#: What may be asked for: an engine, or "auto" (the neural voice when installed).
ENGINE_CHOICES = ("auto", *ENGINE_NAMES)

INLINE_PAUSE = re.compile(r"\[\s*pause\s+([0-9]+(?:\.[0-9]+)?)\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Pause:
    """A silence of `low` seconds, or, when elastic, anywhere from `low` to `high`."""

    low: float
    high: float
    elastic: bool = False

    @staticmethod
    def fixed(seconds: float) -> Pause:
        return Pause(seconds, seconds, False)

    def at(self, fraction: float) -> float:
        """Length in seconds when elastic pauses are set to `fraction` (0..1) of their range."""
        if not self.elastic:
            return self.low
        return self.low + fraction * (self.high - self.low)


NO_PAUSE = Pause(0.0, 0.0, False)


@dataclass(frozen=True)
class VoiceSettings:
    """How lines are spoken, as the script asks; `None` leaves the choice to settings and defaults."""

    engine: str | None = None
    voice: str | None = None
    rate: int | None = None
    volume: float | None = None


@dataclass(frozen=True)
class Background:
    """An ambience sound under the whole session."""

    sound: str
    volume_db: float = -24.0
    fade_s: float = 4.0


@dataclass(frozen=True)
class Say:
    text: str
    pause: Pause
    line: int
    #: Said only when the listener's letter is read (`if_letter = true`), such as an invitation to notice
    #: how it felt to hear it.
    if_letter: bool = False
    #: A recorded line (`audio = "PATH"`): the recording is what is heard, and `text` is its caption. The
    #: path as resolved from the script's folder, and the line of its `audio` key.
    audio: str | None = None
    audio_line: int = 0
    #: The line's own pace relative to the listener's (`rate = 0.85`), or None for theirs.
    rate: float | None = None


@dataclass(frozen=True)
class Bell:
    name: str
    pause: Pause
    line: int


@dataclass(frozen=True)
class Silence:
    pause: Pause
    line: int


@dataclass(frozen=True)
class Phrases:
    """The listener's own phrases, each followed by `pause`; the script's own (`texts`) when they have
    written none, or when the course's wording is asked for."""

    texts: tuple[str, ...]
    pause: Pause
    line: int
    #: How many of the listener's phrases to speak, from the first (`count = 1`: "one kind phrase").
    count: int | None = None


@dataclass(frozen=True)
class Letter:
    """The listener's latest letter, read slowly sentence by sentence; `missing` is said instead when there
    is no letter yet (or the course's wording is asked for)."""

    missing: str
    pause: Pause
    line: int


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step, ...]
    line: int


Step = Say | Bell | Silence | Phrases | Letter | Repeat


@dataclass(frozen=True)
class Words:
    """The listener's own words, as a practice speaks them (empty: the course's own wording). `owner` names
    whose words they are (one per data folder), so their speech is kept apart and forgotten with them."""

    phrases: tuple[str, ...] = ()
    letter: str | None = None
    owner: str = ""


NO_WORDS = Words()
#: A letter is read about 15 % slower than the listener's own pace for the course.
LETTER_PACE = 0.85
#: After each sentence of a letter: this much, plus a little for each of its words, up to the most.
LETTER_SILENCE_S, LETTER_SILENCE_PER_WORD_S, LETTER_SILENCE_MAX_S = 3.0, 0.1, 10.0
#: After each paragraph of a letter, this much more.
LETTER_PARAGRAPH_S = 4.0


@dataclass(frozen=True)
class Speech:
    """One spoken segment: a `say` line, or the part of it between inline pauses.

    `pace` is set where a segment is spoken at its own pace, relative to the listener's (a letter at 0.85).
    `own` names the listener's words ("phrases" or "letter"): their speech is kept apart and forgotten
    with them."""

    text: str
    line: int
    pace: float | None = None
    own: str | None = None
    #: The recording heard instead of speech (a recorded line); `text` is then its caption.
    audio: str | None = None


@dataclass(frozen=True)
class Gap:
    """A silence."""

    pause: Pause


@dataclass(frozen=True)
class BellSound:
    name: str


Event = Speech | Gap | BellSound


@dataclass(frozen=True)
class Script:
    """A validated exercise script."""

    id: str
    title: str
    steps: tuple[Step, ...]
    path: Path
    summary: str = ""
    kind: str | None = None
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    background: Background | None = None
    digest: str = ""
    #: Every sound file the script names by its path (recorded lines, its own bells and ambience), with
    #: the line naming it.
    sound_files: tuple[tuple[str, int], ...] = ()

    def events(self, words: Words = NO_WORDS) -> list[Event]:
        """The script as a flat list of speech segments, silences and bells, repeats expanded, with the
        listener's own `words` where the script asks for them."""
        out: list[Event] = []
        _expand(self.steps, out, words)
        return out

    def recordings(self) -> list[tuple[str, int]]:
        """Each recorded line's file and the line of its `audio` key, in order (`sound_files` also holds
        the bells and ambience named by path)."""
        return _recordings(self.steps)

    @property
    def uses_words(self) -> bool:
        """Whether the script speaks the listener's phrases or letter."""
        return bool(self.words_used)

    @property
    def words_used(self) -> frozenset[str]:
        """Which of the listener's own words the script speaks: "phrases", "letter", both or none."""
        return frozenset(_words_used(self.steps))


def _recordings(steps: tuple[Step, ...]) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for s in steps:
        if isinstance(s, Say) and s.audio:
            found.append((s.audio, s.audio_line))
        elif isinstance(s, Repeat):
            found += _recordings(s.steps)
    return found


def _words_used(steps: tuple[Step, ...]) -> set[str]:
    found: set[str] = set()
    for s in steps:
        if isinstance(s, Phrases):
            found.add("phrases")
        elif isinstance(s, Letter):
            found.add("letter")
        elif isinstance(s, Repeat):
            found |= _words_used(s.steps)
    return found


def _expand(steps: tuple[Step, ...], out: list[Event], words: Words) -> None:
    for step in steps:
        if isinstance(step, Repeat):
            for _ in range(step.count):
                _expand(step.steps, out, words)
            continue
        if isinstance(step, Say) and step.if_letter and not words.letter:
            continue
        if isinstance(step, Phrases):
            for text in words.phrases[: step.count] or step.texts:
                # The listener's own words are words: spoken exactly as written, brackets and all (never
                # read as markup); the script's own may hold [pause N].
                if words.phrases:
                    out.append(Speech(_tidy(text), step.line, own="phrases"))
                else:
                    _say(text, step.line, out)
                if step.pause.high > 0:
                    out.append(Gap(step.pause))
            continue
        if isinstance(step, Letter):
            if words.letter:
                out.extend(letter_events(words.letter, step.line))
            else:
                _say(step.missing, step.line, out)
        elif isinstance(step, Say) and step.audio:
            out.append(Speech(spoken_text(step.text), step.line, audio=step.audio))
        elif isinstance(step, Say):
            _say(step.text, step.line, out, step.rate)
        elif isinstance(step, Bell):
            out.append(BellSound(step.name))
        if step.pause.high > 0:
            out.append(Gap(step.pause))


def _say(text: str, line: int, out: list[Event], pace: float | None = None) -> None:
    for part in split_inline_pauses(text):
        out.append(Speech(part, line, pace) if isinstance(part, str) else Gap(Pause.fixed(part)))


#: Words whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "dr", "mr", "mrs", "ms", "mx", "prof", "st", "sr", "jr", "vs", "etc", "e.g", "i.e", "eg", "ie",
        "approx", "fig", "cf", "ca", "mt", "ft", "rev", "gen", "col", "lt",
    }
)  # fmt: skip
_SENTENCE_END = re.compile(r"(?:[.!?]+|\u2026)[\"'\u201d\u2019)\]]*\s+")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences: split after a full stop, question or exclamation mark (or an ellipsis)
    that is followed by a space and a capital letter, a digit or a quote; never after a title or short
    form such as "Dr." or "e.g.", nor inside a number such as 3.5."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        before = text[start : m.start()].split()
        last = before[-1].lower().rstrip(".") if before else ""
        following = text[m.end() : m.end() + 1]
        mark = text[m.start() : m.end()].strip()
        if last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha() and mark.startswith(".")):
            continue  # "Dr. Lee", "J. Smith"
        if not (following.isupper() or following.isdigit() or following in "\"'\u201c\u2018("):
            continue  # "so... and then", "e.g. this"
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return [s for s in (_tidy(x) for x in out) if s]


def letter_events(text: str, line: int) -> list[Event]:
    """A letter as it is read: sentence by sentence at the letter's pace, a silence after each (longer for
    longer sentences) and a little more after each paragraph. Read exactly as written: no markup."""
    out: list[Event] = []
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for paragraph in paragraphs:
        found = sentences(paragraph.strip())
        for i, sentence in enumerate(found):
            words = len(sentence.split())
            rest = min(LETTER_SILENCE_MAX_S, LETTER_SILENCE_S + LETTER_SILENCE_PER_WORD_S * words)
            if i == len(found) - 1:
                rest += LETTER_PARAGRAPH_S
            out.append(Speech(sentence, line, LETTER_PACE, own="letter"))
            out.append(Gap(Pause.fixed(round(rest, 3))))
    return out


def split_inline_pauses(text: str) -> Iterator[str | float]:
    """Split a `say` text at `[pause N]` markers: spoken parts (str) and silences in seconds (float)."""
    pos = 0
    for m in INLINE_PAUSE.finditer(text):
        words = _tidy(text[pos : m.start()])
        if words:
            yield words
        yield float(m.group(1))
        pos = m.end()
    words = _tidy(text[pos:])
    if words:
        yield words


def spoken_text(text: str) -> str:
    """The words of a `say` text without its pause markers."""
    return " ".join(p for p in split_inline_pauses(text) if isinstance(p, str))


def _tidy(words: str) -> str:
    return " ".join(words.split())
