"""Converting the scripts people already have into ours: the pure half.

Each format's reader (player.adapters.convert_formats) turns a file into `Piece`s: words to speak, pauses,
bells, paragraph breaks, each with its line. Here the pieces become steps (pauses exact, ranges kept as
ranges, consecutive breaks added up), and the cues people write ("(Pause for 20-30 seconds)", "[PAUSE:5]",
"(a few breaths)") are read, every guess noted with its line for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: A paragraph break with no cue of its own: a small pause (at most 2 s, as the README promises).
PARAGRAPH_S = 1.5
#: Cues that give no length, and what they become (each is reported). Documented in the README.
VAGUE = (
    (re.compile(r"\bfew\s+minutes\b|\bseveral\s+minutes\b|\bcouple\s+of\s+minutes\b"), (120.0, 240.0), "a few minutes"),
    (re.compile(r"\bfew\s+(?:slow\s+|deep\s+)?breaths?\b|\bbreaths\b"), (8.0, 8.0), "a few breaths"),
    (re.compile(r"\b(?:a\s+)?moment\b"), (5.0, 5.0), "a moment"),
    (re.compile(r"\bbrief(?:ly)?\b|\bshort\b"), (3.0, 3.0), "briefly"),
    (re.compile(r"\blong\b"), (10.0, 10.0), "a long pause"),
)
#: A pause said with no length at all ("(pause)"): reported.
BARE_PAUSE_S = 3.0
#: SSML `<break strength>`, in seconds (documented in the README).
STRENGTH = {"none": 0.0, "x-weak": 0.25, "weak": 0.5, "medium": 1.0, "strong": 2.0, "x-strong": 3.0}
#: SSML `<prosody rate>` words, relative to the listener's pace.
RATES = {"x-slow": 0.7, "slow": 0.85, "medium": 1.0, "default": 1.0, "fast": 1.15, "x-fast": 1.3}
RATE_RANGE = (0.5, 2.0)

_UNIT = r"(s|sec|secs|seconds?|m|mins?|minutes?)"
_RANGE = re.compile(rf"(\d+(?:\.\d+)?)\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?)\s*{_UNIT}?\b", re.IGNORECASE)
_ONE = re.compile(rf"(\d+(?:\.\d+)?)\s*{_UNIT}?\b", re.IGNORECASE)
_PAUSE_WORDS = re.compile(r"\b(pause[sd]?|silence|silent|quiet|rest|wait|still|breathe|breathing|breaths?)\b", re.I)
_BELL_WORDS = re.compile(r"\b(bell|chime|gong|bowl)s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Piece:
    """One thing a file holds, in order: "say" (words), "pause" (low to high seconds), "bell", or "para"
    (a paragraph break). `rate` is the pace of words relative to the listener's; `audio` a recording."""

    kind: str
    line: int
    text: str = ""
    low: float = 0.0
    high: float = 0.0
    rate: float | None = None
    audio: str | None = None


@dataclass
class Converted:
    title: str
    steps: list[dict[str, object]] = field(default_factory=list)
    #: (line, what became of a cue) for the report: every guess and everything dropped.
    notes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def spoken(self) -> int:
        return sum(1 for s in self.steps if "say" in s)

    @property
    def pauses(self) -> tuple[int, float, float]:
        """How many pauses, and their total shortest and longest, in seconds."""
        found = [s["pause"] for s in self.steps if "pause" in s]
        lows = [p[0] if isinstance(p, list) else p for p in found]
        highs = [p[1] if isinstance(p, list) else p for p in found]
        return len(found), float(sum(lows)), float(sum(highs))  # type: ignore[arg-type]


def seconds(amount: float, unit: str | None) -> float:
    return amount * 60 if unit and unit.lower().startswith("m") else amount


@dataclass(frozen=True)
class Cue:
    """What a bracketed or parenthesised direction means: a pause (`low`..`high`), a bell, or a label
    (a section name with a length: not a pause). `guess` names a length taken from vague words."""

    kind: str
    low: float = 0.0
    high: float = 0.0
    guess: str = ""


def read_cue(content: str, marker: bool = False) -> Cue | None:
    """The cue in `content` (the inside of brackets or parentheses), or None when it is words to speak.
    `marker`: written in square brackets, where a bare number is a pause ([PAUSE:5], [pause 5s])."""
    text = " ".join(content.split())
    lowered = text.lower()
    pause_words = bool(_PAUSE_WORDS.search(lowered))
    if _BELL_WORDS.search(lowered) and not pause_words:
        return Cue("bell")
    ranged = _RANGE.search(lowered)
    one = _ONE.search(lowered)
    if ranged or one:
        if not pause_words and not (marker and re.fullmatch(r"[\w\s:.,–—-]*", lowered) and _is_bare(lowered)):
            return Cue("label")
        if ranged:
            unit = ranged.group(3)
            low, high = seconds(float(ranged.group(1)), unit), seconds(float(ranged.group(2)), unit)
            return Cue("pause", min(low, high), max(low, high))
        assert one is not None
        value = seconds(float(one.group(1)), one.group(2))
        return Cue("pause", value, value)
    short = len(lowered.split()) <= 4  # "(a moment)", "(briefly)": a cue of its own, not an aside
    if not pause_words and not (short and any(p.search(lowered) for p, _, _ in VAGUE)):
        return None
    for pattern, (low, high), name in VAGUE:
        if pattern.search(lowered):
            return Cue("pause", low, high, name)
    return Cue("pause", BARE_PAUSE_S, BARE_PAUSE_S, "a pause with no length")


def _is_bare(lowered: str) -> bool:
    """[PAUSE:5], [pause 5s], [5 seconds]: only a pause word and a length (a section label has more)."""
    words = re.findall(r"[a-z]+", lowered)
    return all(w in ("pause", "pauses", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes", "for", "of", "silence") for w in words)  # fmt: skip


def rate_of(value: str) -> float | None:
    """An SSML rate as a pace relative to the listener's: "slow" is 0.85, "80%" is 0.8; an absolute
    words-per-minute value is never used (None)."""
    value = value.strip().lower()
    if value in RATES:
        return RATES[value]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", value)
    if m:
        return min(RATE_RANGE[1], max(RATE_RANGE[0], round(float(m.group(1)) / 100, 2)))
    return None


def assemble(pieces: list[Piece], title: str) -> Converted:
    """Steps from pieces: words between cues become one `say`; pauses after it add up (ranges stay
    ranges); a paragraph break with no cue gets PARAGRAPH_S; bells are steps of their own."""
    out = Converted(title)
    words: list[str] = []
    first_line = 0
    rate: float | None = None
    defaulted: set[int] = set()  # steps whose pause is only the paragraph default so far

    def flush() -> None:
        nonlocal words, first_line
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(" ".join(words).split()))
        if text:
            step: dict[str, object] = {"say": text, "_line": first_line}
            if rate is not None and rate != 1.0:
                step["rate"] = rate
            out.steps.append(step)
        words, first_line = [], 0

    def add_pause(low: float, high: float) -> None:
        if not out.steps:
            out.steps.append({"pause": [0.0, 0.0], "_line": 0})
        last = out.steps[-1]
        index = len(out.steps) - 1
        if index in defaulted:  # a cue replaces the paragraph's small default
            defaulted.discard(index)
            last.pop("pause", None)
        old = last.get("pause", [0.0, 0.0])
        assert isinstance(old, list)
        last["pause"] = [old[0] + low, old[1] + high]

    for p in pieces:
        if p.kind == "say":
            if words and p.rate != rate:
                flush()
            if not words:
                first_line, rate = p.line, p.rate
            words.append(p.text)
        elif p.kind == "audio":
            flush()
            out.steps.append({"say": p.text, "audio": p.audio, "_line": p.line})
        elif p.kind == "pause":
            flush()
            add_pause(p.low, p.high)
        elif p.kind == "bell":
            flush()
            out.steps.append({"bell": "bowl", "_line": p.line})
        elif p.kind == "para":
            flush()
            if out.steps and "say" in out.steps[-1] and "pause" not in out.steps[-1]:
                out.steps[-1]["pause"] = [PARAGRAPH_S, PARAGRAPH_S]
                defaulted.add(len(out.steps) - 1)
    flush()
    for step in out.steps:
        pause = step.get("pause")
        if isinstance(pause, list):
            low, high = round(float(pause[0]), 3), round(float(pause[1]), 3)
            if high <= 0:
                step.pop("pause")
            else:
                step["pause"] = _number(low) if low == high else [_number(low), _number(high)]
    out.steps = [s for s in out.steps if set(s) - {"_line"}]
    return out


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


_LINK = re.compile(r"(!?)\[([^\[\]]*)\]\(([^()\s]*)\)")
_URL = re.compile(r"<?https?://[^\s>)]+>?")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_GROUP = re.compile(r"[*_]*(?:\[([^\[\]]*)\]|\(([^()]*)\))[*_]*")
_LABEL = re.compile(r"^\s*(?:(\*\*|__)([A-Z][\w'’ ]{0,30}?)\s*:\s*(?:\*\*|__)|([A-Z][a-z]+)\s*:)\s*")
#: Speaker labels people put before a line, written plainly ("Teacher:"); in bold, any label counts.
SPEAKERS = frozenset(
    [
        "instructor",
        "teacher",
        "guide",
        "narrator",
        "facilitator",
        "speaker",
        "leader",
        "therapist",
        "voice",
        "host",
        "coach",
        "reader",
    ]
)


def read_paragraph(text: str, line: int, notes: list[tuple[int, str]], rate: float | None = None) -> list[Piece]:
    """A paragraph of plain text or Markdown as pieces: its words, and the cues written in it."""
    text = re.sub(r"\\([\[\]()*_#>`\\-])", r"\1", text)  # Markdown escapes: \[PAUSE:5] is [PAUSE:5]

    def at(pos: int) -> int:
        return line + text.count("\n", 0, pos)

    m = _LABEL.match(text)
    if m and (m.group(1) or (m.group(3) or "").lower() in SPEAKERS):
        notes.append((line, f"the label '{(m.group(2) or m.group(3)).strip()}:' was left out (not spoken)"))
        text = " " * m.end() + text[m.end() :]
    for found in _LINK.finditer(text):
        if found.group(1):
            notes.append((at(found.start()), f"the image '{found.group(2) or found.group(3)}' was left out"))
        else:
            notes.append((at(found.start()), f"the link to {found.group(3)} was left out; its words are spoken"))
    text = _LINK.sub(lambda f: "" if f.group(1) else f.group(2), text)
    for found in _URL.finditer(text):
        notes.append((at(found.start()), f"the address {found.group(0).strip('<>')} was left out (not spoken)"))
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    pieces: list[Piece] = []
    pos = 0
    for g in _GROUP.finditer(text):
        _words(text[pos : g.start()], at(pos), rate, pieces)
        pos = g.end()
        bracket = g.group(1) is not None
        content = g.group(1) if bracket else g.group(2)
        cue = read_cue(content or "", marker=bracket)
        here = at(g.start())
        shown = ("[" + content + "]") if bracket else ("(" + (content or "") + ")")
        if cue is None and bracket:
            notes.append((here, f"'{shown}' is not a cue this app knows; it was left out"))
        elif cue is None:
            _words(content or "", here, rate, pieces)  # an aside in brackets is spoken, without them
        elif cue.kind == "label":
            notes.append((here, f"'{shown}' is a section's length, not a pause; it was left out"))
        elif cue.kind == "bell":
            pieces.append(Piece("bell", here))
        else:
            if cue.guess:
                length = (
                    f"{_number(cue.low)} s" if cue.low == cue.high else f"{_number(cue.low)} to {_number(cue.high)} s"
                )
                notes.append(
                    (here, f"'{shown}' became a pause of {length} ({cue.guess}: a guess; change it if you like)")
                )
            pieces.append(Piece("pause", here, low=cue.low, high=cue.high))
    _words(text[pos:], at(pos), rate, pieces)
    return pieces


def _words(text: str, line: int, rate: float | None, out: list[Piece]) -> None:
    """Plain words from Markdown: no emphasis marks, code ticks or stray brackets; dashes, quotes and
    ellipses stay."""
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<![\w*])[*_]+|[*_]+(?![\w*])", "", text)
    text = text.replace("[", "").replace("]", "").replace("\\", "")
    text = " ".join(text.split())
    if re.search(r"\w", text):
        out.append(Piece("say", line, text, rate=rate))


def to_toml(converted: Converted, source: str, folder: str) -> str:
    """The script, as TOML our `validate` accepts: every step a [[step]] table, in the order of its keys.
    A recording's path is written relative to `folder`, where the script will be."""
    import posixpath

    import tomli_w

    def value(v: object) -> str:
        return tomli_w.dumps({"v": v}).strip()[4:].replace("[\n    ", "[").replace(",\n    ", ", ").replace(",\n]", "]")

    out = [f"# Converted from {source} by `compassion convert`; check the report, then listen through.", ""]
    out.append(f"title = {value(converted.title)}")
    for step in converted.steps:
        out += ["", "[[step]]"]
        for key, v in step.items():
            if key == "audio" and isinstance(v, str):
                v = posixpath.relpath(v, folder)
            if not key.startswith("_"):
                out.append(f"{key} = {value(v)}")
    return "\n".join(out) + "\n"
