"""Streaks and course progression against small, obviously correct references."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from player.core import calendar, progress, session
from player.core.course import Week
from tests import reference as ref

D0 = date(2026, 11, 2)  # a Monday
days_st = st.sets(st.integers(0, 60).map(lambda n: D0 + timedelta(days=n)), max_size=40)
today_st = st.integers(0, 70).map(lambda n: D0 + timedelta(days=n))


@given(days_st, today_st)
def test_current_streak_matches_reference(days, today):
    assert progress.current_streak(days, today) == ref.current_streak(days, today)


rest_st = st.sets(st.integers(0, 60).map(lambda n: D0 + timedelta(days=n)), max_size=12)


@given(days_st, today_st, rest_st)
def test_current_streak_with_rest_days_matches_reference(days, today, rest):
    assert progress.current_streak(days, today, rest) == ref.current_streak(days, today, rest)


@given(days_st, rest_st)
def test_longest_streak_with_rest_days_matches_reference(days, rest):
    assert progress.longest_streak(days, rest) == ref.longest_streak(days, rest)


def test_a_rest_day_bridges_a_run_without_counting_and_never_starts_or_ends_one():
    mon = D0
    day = lambda n: mon + timedelta(days=n)  # noqa: E731
    practised = {day(0), day(1), day(3), day(4)}  # Mon Tue, (Wed rest), Thu Fri
    rest = {day(2)}
    assert progress.current_streak(practised, day(4), rest) == 4  # not 5: the rest day is not counted
    assert progress.current_streak(practised, day(5), rest) == 4  # Saturday not yet practised
    assert progress.current_streak(practised, day(5), rest | {day(5)}) == 4  # resting on Saturday
    assert progress.current_streak(practised, day(6), rest | {day(5)}) == 4  # and Sunday is still open
    assert progress.current_streak(practised, day(7), rest | {day(5)}) == 0  # Sunday passed unpractised
    assert progress.current_streak({day(1)}, day(1), {day(0)}) == 1  # a rest day does not start a run
    assert progress.current_streak(practised, day(4), set()) == 2  # without the rest day, Wednesday breaks it
    assert progress.longest_streak(practised, rest) == 4
    assert progress.weeks_goal_streak(practised, day(6), lambda m: 5) == 0  # goals count practice days only


@given(days_st)
def test_longest_streak_matches_reference(days):
    assert progress.longest_streak(days) == ref.longest_streak(days)


@given(days_st, today_st, st.integers(1, 7), st.lists(st.integers(1, 7), min_size=1, max_size=9))
def test_weeks_goal_streak_matches_reference(days, today, goal, changing):
    assert progress.weeks_goal_streak(days, today, lambda m: goal) == ref.weeks_goal_streak(days, today, goal)

    def goal_of(monday):  # a goal that differs from week to week
        return changing[monday.toordinal() // 7 % len(changing)]

    assert progress.weeks_goal_streak(days, today, goal_of) == ref.weeks_goal_streak(days, today, goal_of)


def test_the_reference_itself_on_a_calendar_written_by_hand():
    # Mon 2 Nov .. : practice on 2, 3, 4, then 6, 7, 8, 9 (a gap on Thu 5)
    days = {D0 + timedelta(days=n) for n in (0, 1, 2, 4, 5, 6, 7)}
    assert ref.current_streak(days, D0 + timedelta(days=7)) == 4
    assert ref.current_streak(days, D0 + timedelta(days=8)) == 4  # today not yet practised
    assert ref.current_streak(days, D0 + timedelta(days=9)) == 0
    assert ref.longest_streak(days) == 4
    assert ref.weeks_goal_streak(days, D0 + timedelta(days=7), 5) == 1  # the first week had 6 days
    assert ref.weeks_goal_streak(days, D0 + timedelta(days=7), 7) == 0


def test_streak_is_alive_until_the_day_is_over():
    days = {date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)}
    assert progress.current_streak(days, date(2026, 11, 22)) == 3
    assert progress.current_streak(days, date(2026, 11, 23)) == 3  # today not practised yet
    assert progress.current_streak(days, date(2026, 11, 24)) == 0  # a gap of one day ends it
    assert progress.longest_streak(days) == 3


def test_practice_day_is_the_local_date_never_utc():
    late = datetime(2026, 11, 21, 23, 30, tzinfo=timezone(timedelta(hours=-5)))  # 04:30 UTC next day
    assert calendar.practice_date(late) == date(2026, 11, 21)
    early = datetime(2026, 11, 22, 0, 30, tzinfo=timezone(timedelta(hours=9)))  # the day before in UTC
    assert calendar.practice_date(early) == date(2026, 11, 22)


def test_midnight_boundary_and_day_start():
    tz = timezone(timedelta(hours=1))
    assert calendar.practice_date(datetime(2026, 11, 22, 0, 0, tzinfo=tz)) == date(2026, 11, 22)
    assert calendar.practice_date(datetime(2026, 11, 21, 23, 59, 59, tzinfo=tz)) == date(2026, 11, 21)
    three = 3 * 60
    assert calendar.practice_date(datetime(2026, 11, 22, 1, 30, tzinfo=tz), three) == date(2026, 11, 21)
    assert calendar.practice_date(datetime(2026, 11, 22, 3, 0, tzinfo=tz), three) == date(2026, 11, 22)


def test_dst_change_keeps_days_consecutive():
    # Europe/London springs forward on 29 Mar 2026: offsets +00:00 then +01:00.
    before = datetime(2026, 3, 28, 21, 0, tzinfo=UTC)
    after = datetime(2026, 3, 29, 21, 0, tzinfo=timezone(timedelta(hours=1)))
    days = {calendar.practice_date(before), calendar.practice_date(after)}
    assert progress.current_streak(days, date(2026, 3, 29)) == 2


def test_a_trip_across_time_zones_does_not_move_past_days():
    home = datetime(2026, 11, 20, 22, 0, tzinfo=timezone(timedelta(hours=1)))  # Paris, evening
    away = datetime(2026, 11, 21, 7, 0, tzinfo=timezone(timedelta(hours=-5)))  # New York, next morning
    back = datetime(2026, 11, 22, 23, 0, tzinfo=timezone(timedelta(hours=-5)))  # New York, late
    days = {calendar.practice_date(x) for x in (home, away, back)}
    assert days == {date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 22)}
    assert progress.current_streak(days, date(2026, 11, 22)) == 3


def test_completed_means_ninety_percent():
    assert session.is_completed(90, 100)
    assert not session.is_completed(89.9, 100)


WEEKS = [Week(1, "one", "", 2, ("a", "b")), Week(2, "two", "", 2, ("c",)), Week(3, "three", "", 1, ("d",))]


def test_week_unlocks_by_completion():
    ex = {"a": {D0}, "b": {D0 + timedelta(days=1)}}
    states = progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=1))
    assert [s.unlocked for s in states] == [True, True, False]
    assert states[0].completed and progress.current_week(states) == 2
    assert states[2].locked_reason == "unlocks when week 2 is done, or a week after you first practise it"


def test_week_unlocks_a_week_after_first_practice_even_if_not_done():
    ex = {"a": {D0}}
    assert [s.unlocked for s in progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=6))] == [True, False, False]
    states = progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=6))
    assert states[1].locked_reason == "unlocks when week 1 is done, or on Mon 9 Nov"
    assert [s.unlocked for s in progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=7))] == [True, True, False]


def test_ones_own_weekly_goal_decides_when_a_course_week_is_done_and_is_the_goal_shown():
    ex = {"a": {D0}, "b": {D0 + timedelta(days=1)}}
    today = D0 + timedelta(days=1)
    course = progress.week_states(WEEKS, ex, {}, today)
    assert course[0].completed and course[0].goal_days == 2
    assert progress.current_goal(course, None) == 2  # week 2 is current: its own goal
    own = progress.week_states(WEEKS, ex, {}, today, goal_days=3)
    assert not own[0].completed and own[0].goal_days == 3 and own[0].days_practiced == 2
    assert progress.current_goal(own, 3) == 3
    ex["a"].add(D0 + timedelta(days=2))
    assert progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=2), goal_days=3)[0].completed


def test_free_pace_opens_every_week():
    assert all(s.unlocked for s in progress.week_states(WEEKS, {}, {}, D0, pace="free"))


@settings(max_examples=200)
@given(
    st.dictionaries(
        st.sampled_from("abcd"),
        st.sets(st.integers(0, 30).map(lambda n: D0 + timedelta(days=n)), min_size=1, max_size=6),
    ),
    today_st,
)
def test_unlocking_matches_a_day_by_day_reference(ex, today):
    # Reference: walk every day from the day a week opened; it opens the next on the first day it is
    # complete, or seven days after its first practice or its opening, whichever is later.
    opened = {1: D0 - timedelta(days=365)}
    for i, w in enumerate(WEEKS[:-1]):
        if w.number not in opened:
            break
        day = opened[w.number]
        first = min((d for e in w.exercises for d in ex.get(e, ())), default=None)
        opens = None
        d = day if first is None else max(day, min(day, first))
        while d <= today:
            seen = [x for e in w.exercises for x in ex.get(e, ()) if x <= d]
            done = all(any(x <= d for x in ex.get(e, ())) for e in w.exercises) and len(set(seen)) >= w.goal_days
            if done or (first is not None and d >= max(first, day) + timedelta(days=7)):
                opens = d
                break
            d += timedelta(days=1)
        if opens is None:
            break
        opened[WEEKS[i + 1].number] = opens
    states = progress.week_states(WEEKS, ex, {}, today)
    assert [s.unlocked for s in states] == [n in opened for n in (1, 2, 3)]


def test_listening_early_to_a_locked_week_never_shortens_its_seven_days():
    # Week 2's practice heard on day 0 while locked; week 1 done on day 3, so week 2 opens on day 3.
    ex = {"a": {D0 + timedelta(days=2)}, "b": {D0 + timedelta(days=3)}, "c": {D0}}
    for day, week3_open in ((7, False), (9, False), (10, True)):
        states = progress.week_states(WEEKS, ex, {}, D0 + timedelta(days=day))
        assert states[1].unlocked and states[2].unlocked is week3_open, day


@given(days_st, days_st, days_st, today_st)
def test_practice_strength_matches_a_naive_reference(full, half, rest, today):
    rest = rest - full - half
    got = progress.practice_strength(full, half, rest, today)
    assert got == pytest.approx(ref.practice_strength(full, half - full, rest, today), abs=1e-9)
    assert 0.0 <= got <= 1.0


def test_practice_strength_is_kind_to_missed_days_and_holds_on_rest_days():
    month = {D0 + timedelta(days=n) for n in range(30)}
    today = D0 + timedelta(days=29)
    after_a_month = progress.practice_strength(month, set(), set(), today)
    assert round(100 * after_a_month) == 80  # 1 - m^30
    three_missed = progress.practice_strength(month, set(), set(), today + timedelta(days=4))
    assert round(100 * three_missed) == 68  # three missed days lower it a little, never to nothing
    resting = {today + timedelta(days=k) for k in (1, 2, 3)}
    assert progress.practice_strength(month, set(), resting, today + timedelta(days=4)) == after_a_month
    half = progress.practice_strength(set(), month, set(), today)
    assert half == pytest.approx(after_a_month / 2)  # partial sessions count half
    not_yet_today = progress.practice_strength(month, set(), set(), today + timedelta(days=1))
    assert not_yet_today == after_a_month  # today counts once you have practised


def test_a_calendar_weeks_goal_is_decided_as_it_starts_and_never_moves_within_it():
    weeks = [Week(1, "one", "", 4, ("a", "b")), Week(2, "two", "", 5, ("c",))]
    # Week 1 is done on Wednesday D0+2 (four days by then), so course week 2 opens mid-week.
    ex = {"a": {D0, D0 + timedelta(days=1), D0 + timedelta(days=2)}, "b": {D0 + timedelta(days=2)}}
    ex["a"] |= {D0 - timedelta(days=1)}  # and a Sunday before: four days
    assert progress.current_week(progress.week_states(weeks, ex, {}, D0 + timedelta(days=6))) == 2
    goal_of = progress.week_goals(weeks, ex, {}, "course", None)
    assert goal_of(D0) == 4  # the week course week 2 opened in keeps week 1's goal...
    assert goal_of(D0 + timedelta(days=7)) == 5  # ...and the next calendar week takes week 2's
    assert progress.week_goals(weeks, ex, {D0: 3}, "course", None)(D0) == 3  # a kept goal stands
    assert progress.week_goals(weeks, ex, {}, "course", 6)(D0) == 6  # the listener's own goal
