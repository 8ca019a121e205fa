"""A calendar heatmap of practice days: twelve weeks, Monday at the top, today at the bottom right."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

from player.core import calendar

WEEKS = 12
DAYS = "MTWTFSS"
LEVELS = [(0.0, "·", "heat0"), (0.1, "▪", "heat1"), (10.0, "■", "heat2"), (20.0, "█", "heat3")]


def cell(minutes: float) -> tuple[str, str]:
    glyph, style = LEVELS[0][1], LEVELS[0][2]
    for threshold, g, s in LEVELS:
        if minutes >= threshold:
            glyph, style = g, s
    return glyph, style


LEFT = 4  # the weekday letter and its padding, before the first column
COLUMN = 2  # each week's cell and a space


def month_labels(first_monday: date) -> str:
    """Month names above the first week column that starts in that month, each at its column."""
    row = [" "] * (LEFT + COLUMN * WEEKS + 2)
    for w in range(WEEKS):
        monday = first_monday + timedelta(weeks=w)
        at = LEFT + COLUMN * w
        if monday.day <= 7 and all(c == " " for c in row[max(0, at - 1) : at + 3]):
            row[at : at + 3] = monday.strftime("%b")[:3]
    return "".join(row).rstrip()


class Heatmap(Static):
    """Rows are weekdays, columns weeks; shading grows with minutes practised that day."""

    COMPONENT_CLASSES = {"heat0", "heat1", "heat2", "heat3", "heat-rest"}

    def show(self, day_minutes: dict[date, float], today: date, rest: frozenset[date] = frozenset()) -> None:
        first_monday = calendar.week_start(today) - timedelta(weeks=WEEKS - 1)
        text = Text()
        text.append(month_labels(first_monday) + "\n", style="dim")
        for dow in range(7):
            text.append(f" {DAYS[dow]}  ", style="dim")
            for w in range(WEEKS):
                day = first_monday + timedelta(weeks=w, days=dow)
                if day > today:
                    text.append("  ")
                    continue
                minutes = day_minutes.get(day, 0.0)
                glyph, style = ("◦", "heat-rest") if minutes == 0 and day in rest else cell(minutes)
                text.append(glyph + " ", style=self.get_component_rich_style(style))
            text.append("\n")
        text.append("     · none  ◦ rest  ▪ some  ■ 10+ min  █ 20+ min", style="dim")
        self.update(text)
