"""Reminders as an iCalendar file, read back with a real iCalendar parser."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import icalendar
from dateutil.rrule import rrulestr

from tests.conftest import NOW


def read_event(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    [event] = cal.walk("VEVENT")
    return event


def occurrences(event, n: int) -> list[datetime]:
    start = event.decoded("DTSTART")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    return list(rule[:n])


def test_a_reminder_recurs_on_the_chosen_days_at_the_chosen_local_time_with_an_alarm(home, tmp_path, cli):
    out = tmp_path / "remind.ics"
    r = cli("remind", "--at", "19:15", "--days", "mon,wed,fri", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "Import it into your calendar app" in r.stdout
    event = read_event(out)
    start = event.decoded("DTSTART")
    assert start.tzinfo is None  # floating: 19:15 wherever the calendar is
    assert start.time() == time(19, 15) and start.weekday() in (0, 2, 4)
    now = NOW.replace(tzinfo=None)  # the app's clock, set by the test
    assert now < start < now + timedelta(days=7)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    upcoming = occurrences(event, 9)
    assert {d.weekday() for d in upcoming} == {0, 2, 4} and all(d.time() == time(19, 15) for d in upcoming)
    assert (upcoming[3] - upcoming[0]) == timedelta(days=7)  # three a week
    # titled with this week's practice, and a kind line
    assert str(event["SUMMARY"]) == "Week 1 · Soothing Rhythm Breathing"
    assert "begin again" in str(event["DESCRIPTION"]) and "compassion play soothing-rhythm-breathing" in str(
        event["DESCRIPTION"]
    )
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("TRIGGER") == timedelta(0)
    # the same reminder written again is the same event (importing it again updates, never doubles)
    again = tmp_path / "again.ics"
    cli("remind", "--at", "19:15", "--days", "mon,wed,fri", "-o", str(again))
    assert read_event(again)["UID"] == event["UID"]


def test_every_day_by_default_and_named_after_the_current_week(home, tmp_path, cli):
    assert cli("config", "set", "pace", "free").returncode == 0  # every week open: the current week is 8
    out = tmp_path / "daily.ics"
    r = cli("remind", "--at", "07:30", "-o", str(out))
    assert r.returncode == 0, r.stderr
    event = read_event(out)
    assert event["RRULE"]["BYDAY"] == ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    upcoming = occurrences(event, 7)
    assert [(b - a) for a, b in zip(upcoming, upcoming[1:])] == [timedelta(days=1)] * 6
    assert str(event["SUMMARY"]).startswith("Week 8 · ")


def test_bad_times_and_days_are_refused_clearly_and_write_nothing(home, tmp_path, cli):
    out = tmp_path / "r.ics"
    for args, words in (
        (("--at", "25:00"), "not a time of day"),
        (("--at", "7.30"), "not a time of day"),
        (("--at", "07:30", "--days", "mon,someday"), "'someday' is not a day of the week"),
    ):
        r = cli("remind", *args, "-o", str(out))
        assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("*.ics")) and not list(tmp_path.glob(".*.part"))
