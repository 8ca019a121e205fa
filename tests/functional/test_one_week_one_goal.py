"""One "this week": the calendar week's goal is decided when the week starts, and is the same everywhere."""

from __future__ import annotations

import json
import time
from datetime import datetime

from player.adapters import clock
from tests.conftest import NOW, run_cli

TZ = NOW.tzinfo


def on(monkeypatch, day: str) -> None:
    """Set the app's clock to noon on `day` (November or December 2026)."""
    moment = datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=TZ)
    monkeypatch.setenv("COMPASSION_TEST_NOW", clock.setting(moment, time.time()))


def record(exercise: str, day: str) -> None:
    r = run_cli("record", exercise, "--at", f"{day}T08:00+01:00")
    assert r.returncode == 0, r.stderr


def stats(day: str) -> dict:
    r = run_cli("stats", "--json", "--today", day)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def said(day: str) -> str:
    r = run_cli("stats", "--today", day)
    assert r.returncode == 0, r.stderr
    return r.stdout


def practise_the_first_week() -> None:
    """Week 1 (goal 4) done on Thursday 19 November, so course week 2 opens mid-week; Sunday practised too."""
    for exercise, day in [
        ("soothing-rhythm-breathing", "2026-11-16"),
        ("three-systems-check-in", "2026-11-17"),
        ("soothing-touch", "2026-11-18"),
        ("soothing-touch", "2026-11-19"),
        ("safe-place", "2026-11-22"),
    ]:
        record(exercise, day)


def test_the_goal_of_a_calendar_week_does_not_move_when_a_course_week_opens_in_it(home, monkeypatch):
    practise_the_first_week()
    monday, sunday = stats("2026-11-16"), stats("2026-11-22")
    assert (monday["goal_days"], monday["this_week_days"], monday["current_week"]) == (4, 1, 1)
    # On Sunday course week 2 (goal 5) is open, but this calendar week began under week 1's goal of 4.
    assert (sunday["goal_days"], sunday["this_week_days"], sunday["current_week"]) == (4, 5, 2)
    assert sunday["weeks_goal_streak"] == 1
    assert "This week: 1 of 4 practice days" in said("2026-11-16")
    text = said("2026-11-22")
    assert "This week: 5 practice days, your goal of 4 met" in text and "Course week: 2" in text
    assert "  Course week 2  " in text and "of your goal of 5" not in text
    nxt = stats("2026-11-23")  # the next Monday: course week 2's goal
    assert (nxt["goal_days"], nxt["this_week_days"], nxt["weeks_goal_streak"]) == (5, 0, 1)


def test_a_new_goal_applies_from_the_next_calendar_week_and_never_rewrites_a_past_one(home, monkeypatch, tmp_path):
    practise_the_first_week()
    record("safe-place", "2026-11-23")
    on(monkeypatch, "2026-11-25")  # Wednesday: the listener asks for 6 days a week
    r = run_cli("config", "set", "weekly_goal_days", "6")
    assert r.returncode == 0, r.stderr
    wednesday = stats("2026-11-25")
    assert wednesday["goal_days"] == 5  # this week began under course week 2's goal
    assert wednesday["weeks_goal_streak"] == 1  # last week met its goal of 4 (6 would undo it)
    assert stats("2026-11-30")["goal_days"] == 6  # from the next Monday, the listener's own goal
    # A second change in the same week keeps the goal this week started with.
    assert run_cli("config", "set", "weekly_goal_days", "2").returncode == 0
    assert stats("2026-11-25")["goal_days"] == 5 and stats("2026-11-30")["goal_days"] == 2

    # The kept goals travel with an export.
    out = tmp_path / "progress.json"
    assert run_cli("export", str(out)).returncode == 0
    assert json.loads(out.read_text())["week_goals"] == {"2026-11-16": 4, "2026-11-23": 5}
    monkeypatch.setenv("COMPASSION_DATA_DIR", str(tmp_path / "elsewhere"))
    r = run_cli("import", str(out))
    assert r.returncode == 0, r.stderr
    moved = stats("2026-11-25")
    assert (moved["goal_days"], moved["weeks_goal_streak"]) == (5, 1)


def test_weekly_goals_edited_by_hand_are_refused_with_nothing_imported(home, tmp_path):
    record("soothing-touch", "2026-11-16")
    out = tmp_path / "progress.json"
    assert run_cli("export", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    for bad in ({"2026-11-17": 4}, {"2026-11-16": 9}, {"2026-11-16": True}, ["2026-11-16"]):
        doc["week_goals"] = bad
        out.write_text(json.dumps(doc))
        r = run_cli("import", str(out))
        assert r.returncode == 2 and "weekly goals are not in the expected form" in r.stderr, (bad, r.stderr)
        assert "Traceback" not in r.stderr
