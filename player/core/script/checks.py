"""The one place that decides whether a value from a file or the command line is a usable number."""

from __future__ import annotations

import math
from typing import Any


def is_number(value: Any) -> bool:
    """An int or float from TOML (true and false are not numbers)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_in(value: Any, low: float, high: float) -> bool:
    """A finite number from `low` to `high`, both included."""
    return is_number(value) and math.isfinite(value) and low <= value <= high


def whole_in(value: Any, low: int, high: int) -> bool:
    """A whole number (not a float, not a boolean) from `low` to `high`, both included."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
