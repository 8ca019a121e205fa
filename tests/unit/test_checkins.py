"""What the progress screen says about kindness check-ins."""

from datetime import date

from player.core import checkins

MON = date(2026, 11, 23)


def test_change_and_this_weeks_average_in_plain_words():
    moods = [(date(2026, 11, 16), 2, 6), (MON, 4, 7), (MON, None, 9), (date(2026, 11, 25), 5, None)]
    found = checkins.summary(moods, date(2026, 11, 26))
    assert (found.change, found.paired, found.week_after, found.week_change) == (3.5, 2, 8.0, 3.0)
    assert found.words() == (
        "After practice you rated your kindness 3.5 higher than before, on average (2 check-ins with both). "
        "This week (Monday to Sunday), practice moved your check-in up by 3.0 on average, to 8.0."
    )
    earlier = checkins.summary(moods, date(2026, 11, 20))  # as of a day last week
    assert (earlier.change, earlier.week_after, len(earlier.points)) == (4.0, 6.0, 1)


def test_a_lower_after_is_said_kindly_and_nothing_is_said_of_nothing():
    assert "noticing that is part of the practice too" in checkins.summary([(MON, 7, 5)], MON).words()
    assert checkins.summary([(MON, 6, 6)], MON).words().startswith("Before and after practice are about the same")
    assert checkins.summary([], MON).words() == ""
