"""Timeline arithmetic: exact silences, elastic fitting, ranges people can trust."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from player.core.errors import OutOfRange
from player.core.script.model import BellSound, Gap, Pause, Speech
from player.core.timeline import LEAD_S, TAIL_S, Sized, build, fraction_for, length_range, range_minutes

RATE = 22050


def items(*parts):
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(Sized(Speech(p, 1), frames=RATE * 2, key=p))
        elif isinstance(p, tuple):
            out.append(Sized(Gap(Pause(p[0], p[1], p[1] > p[0]))))
        else:
            out.append(Sized(Gap(Pause.fixed(p))))
    return out


def test_leading_and_trailing_silence_are_replaced_by_short_margins():
    tl = build(items(30, "a", 4, "b", 90), RATE)
    assert tl.clips[0].kind == "silence" and tl.clips[0].length == int(LEAD_S * RATE)
    assert tl.clips[-1].kind == "silence" and tl.clips[-1].length == int(round(TAIL_S * RATE))
    assert tl.duration == pytest.approx(LEAD_S + 2 + 4 + 2 + TAIL_S)


def test_cues_sit_exactly_where_the_speech_is():
    tl = build(items("a", 3.5, "b"), RATE)
    cues = tl.cues()
    assert [c.text for c in cues] == ["a", "b"]
    assert cues[0].start == pytest.approx(LEAD_S, abs=1e-4)
    assert cues[1].start - cues[0].end == pytest.approx(3.5, abs=1e-4)


@given(
    st.lists(st.tuples(st.floats(0, 100), st.floats(0, 200)), min_size=1, max_size=20),
    st.floats(0, 1),
)
def test_any_length_inside_the_range_is_met_within_a_second(pauses, where):
    parts = []
    for lo, extra in pauses:
        parts += ["x", (lo, lo + extra)]
    parts.append("y")
    its = items(*parts)
    low, high = length_range(its, RATE)
    target = low + where * (high - low)
    f = fraction_for(its, RATE, target / 60, "t")
    assert 0 <= f <= 1
    assert build(its, RATE, f).duration == pytest.approx(target, abs=1.0)


def test_shown_range_is_always_accepted():
    its = items("a", (10.04, 61.96), "b")
    low, high = length_range(its, RATE)
    lo_m, hi_m = range_minutes(low, high)
    assert low <= lo_m * 60 and hi_m * 60 <= high
    for m in (lo_m, hi_m):
        build(its, RATE, fraction_for(its, RATE, m, "t"))


def test_out_of_range_names_the_range():
    its = items("a", (10, 70), "b")
    with pytest.raises(OutOfRange, match=r"^t can run between 0\.3 and 1\.2 minutes$"):
        fraction_for(its, RATE, 5, "t")


def test_bells_count_towards_length():
    its = [Sized(BellSound("bowl"), frames=RATE * 7)] + items(2, "a")
    assert build(its, RATE).duration == pytest.approx(LEAD_S + 7 + 2 + 2 + TAIL_S)
