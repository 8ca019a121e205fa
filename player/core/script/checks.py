"""The one place that decides whether a value from a file or the command line is a usable number (and
how a misspelt key or name is pointed out)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import Any

#: A sound's name: lowercase letters, digits, - and _.
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def suggest(word: str, choices: Collection[str]) -> str:
    """ " (did you mean 'x'?)" when `word` looks like a misspelling of one of `choices`, else ""."""
    import difflib  # only when something is misspelt

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def is_number(value: Any) -> bool:
    """An int or float from TOML (true and false are not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_in(value: Any, low: float, high: float) -> bool:
    """A finite number from `low` to `high`, both included."""
    return is_number(value) and math.isfinite(value) and low <= value <= high


def whole_in(value: Any, low: int, high: int) -> bool:
    """A whole number (not a float, not a boolean) from `low` to `high`, both included."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
