"""The calendar: practice days, weeks, and how dates and lengths are shown, each decided once."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.core import calendar
from tests.conftest import REPO

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "day_start", "expected"),
    [
        (datetime(2026, 11, 24, 1, 30, tzinfo=timezone(timedelta(hours=1))), 0, date(2026, 11, 24)),
        (datetime(2026, 11, 24, 1, 30, tzinfo=timezone(timedelta(hours=1))), 180, date(2026, 11, 23)),
        (datetime(2026, 11, 24, 3, 0, tzinfo=timezone(timedelta(hours=-8))), 180, date(2026, 11, 24)),
        # the night the clocks go forward, and the night they go back: local time is what counts
        (datetime(2026, 3, 29, 2, 30, tzinfo=LONDON), 180, date(2026, 3, 28)),
        (datetime(2026, 3, 29, 3, 30, tzinfo=LONDON), 180, date(2026, 3, 29)),
        (datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON), 120, date(2026, 10, 24)),
        (datetime(2026, 10, 25, 2, 0, tzinfo=LONDON), 120, date(2026, 10, 25)),
    ],
)
def test_the_practice_day_is_the_local_date_moved_back_by_the_day_start(moment, day_start, expected):
    assert calendar.practice_date(moment, day_start) == expected


@given(st.dates(date(1971, 1, 2), date(9998, 12, 30)))
def test_a_week_runs_monday_to_sunday(day):
    monday, sunday = calendar.week_of(day)
    assert monday.weekday() == 0 and sunday - monday == timedelta(days=6) and monday <= day <= sunday
    assert calendar.week_start(day) == monday


def test_dates_and_positions_are_shown_one_way():
    assert calendar.day_label(date(2026, 11, 24)) == "Tue 24 Nov"
    assert calendar.long_day_label(date(2026, 11, 24)) == "Tuesday 24 November"
    assert calendar.clock(372.99) == "6:12"  # counted down to the whole second, as media players do
    assert calendar.clock(0) == "0:00" and calendar.clock(3600) == "60:00"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(20, "less than a minute"), (89, "1 minute"), (90, "2 minutes"), (96, "2 minutes"), (9.6 * 60, "10 minutes")],
)
def test_one_rounding_rule_for_minutes(seconds, shown):
    assert calendar.minutes_text(seconds) == shown


def test_lengths_read_as_whole_minutes_and_about_only_for_estimates():
    assert calendar.minutes_choices([9.6, 15, 19.2]) == "10, 15 or 19 minutes"
    assert calendar.minutes_range(9.6 * 60, 19.2 * 60) == "10 to 19 minutes"
    assert calendar.minutes_range(200, 200, about=True) == "about 3 minutes"


def test_the_store_computes_no_date_of_its_own():
    """Practice days are computed in Python (calendar.practice_date) and stored; SQL only compares them."""
    sql_date_functions = re.compile(r"\b(date|datetime|julianday|strftime|unixepoch)\s*\(", re.I)
    for path in (REPO / "player" / "store").glob("*.py"):
        for line in path.read_text().splitlines():
            if "execute" in line or '"""' in line or "SELECT" in line or "UPDATE" in line:
                assert not sql_date_functions.search(line.replace("date.fromisoformat(", "")), (path.name, line)
