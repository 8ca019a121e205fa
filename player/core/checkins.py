"""Kindness check-ins (0 to 10, before and after a practice): what the progress screen says about them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from player.core.calendar import week_of

CheckIn = tuple[date, int | None, int | None]  # the practice day, before, after


@dataclass(frozen=True)
class CheckInSummary:
    points: tuple[CheckIn, ...]  # the latest ones, oldest first
    change: float | None  # after minus before, on average, over the check-ins that have both
    paired: int  # how many have both
    week_after: float | None  # the average "after" this calendar week (Monday to Sunday)
    week_change: float | None = None  # after minus before, on average, this calendar week

    def words(self) -> str:
        """The change and this week's average in plain, kind words ("" when there is nothing to say)."""
        parts = []
        if self.change is not None:
            if self.change >= 0.5:
                parts.append(f"After practice you rated your kindness {self.change:.1f} higher than before, on average")
            elif self.change <= -0.5:
                parts.append(
                    f"After practice your rating was {-self.change:.1f} lower than before, on average; "
                    "noticing that is part of the practice too"
                )
            else:
                parts.append("Before and after practice are about the same, on average")
            parts[-1] += f" ({self.paired} check-in{'s' if self.paired != 1 else ''} with both)."
        if self.week_change is not None:
            moved = "up" if self.week_change >= 0 else "down"
            parts.append(
                f"This week (Monday to Sunday), practice moved your check-in {moved} by {abs(self.week_change):.1f} "
                f"on average, to {self.week_after:.1f}."
            )
        elif self.week_after is not None:
            parts.append(f"This week (Monday to Sunday) you rated {self.week_after:.1f} after practice, on average.")
        return " ".join(parts)


def summary(moods: Sequence[CheckIn], today: date, last: int = 20) -> CheckInSummary:
    """The latest `last` check-ins and what they add up to, as of `today`."""
    known = tuple(m for m in moods if m[0] <= today)
    pairs = [a - b for _, b, a in known if b is not None and a is not None]
    monday, _ = week_of(today)
    week = [a for d, _, a in known if a is not None and d >= monday]
    week_pairs = [a - b for d, b, a in known if b is not None and a is not None and d >= monday]
    return CheckInSummary(
        points=known[-last:],
        change=round(sum(pairs) / len(pairs), 1) if pairs else None,
        paired=len(pairs),
        week_after=round(sum(week) / len(week), 1) if week else None,
        week_change=round(sum(week_pairs) / len(week_pairs), 1) if week_pairs else None,
    )
