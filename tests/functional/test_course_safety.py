"""The course as a clinician would hand it to a client: a safer order, spoken signposts, trauma-aware
options, time to reflect, and every line our own. Reads the real scripts and the real course file."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from player.adapters.catalog import Catalog
from player.core import progress
from player.core.script.model import NO_WORDS, Letter, Phrases, Repeat, Say, Words, spoken_text
from tests.functional.test_course import COURSE_FILES
from tests.functional.test_course import course as course

#: Signature lines of published programmes: none may appear in any script (case and punctuation aside).
SIGNATURE_LINES = [
    "this hurts",
    "i am not alone in this",
    "may i give myself the kindness i need",
    "may i be patient with myself",
    "may you be safe",
    "may you live with ease",
    "may i live with ease",
    "may we live with ease",
    "someone who naturally makes you smile",
    "happy and free from pain",
    "what do i really need",
    "what do i long to hear",
    "soften, soothe",
    "soften soothe and allow",
    "you are the sky",
    "in for me, out for you",
    "everyone is on their own path",
    "tricky brain",
    "naming it for a friend",
    "as if warming them",
    "sign of the heart opening",
]
SIGNPOSTED = [
    "soothing-rhythm-breathing",
    "working-with-the-inner-critic",
    "fears-blocks-and-resistances",
    "meeting-difficult-emotions",
]
BACKDRAFT_NOTED = [
    "building-the-compassionate-self",
    "compassionate-letter",
    "working-with-the-inner-critic",
    "multiple-selves",
    "compassionate-colour",
    "finding-your-phrases",
    "self-appreciation",
]


@pytest.fixture(scope="module")
def catalog():
    return Catalog(Path("/nonexistent-data"))


def load(catalog, exercise):
    return catalog.load(catalog.course_entries()[exercise])


def every_text(step) -> list[str]:
    """Every line a step can speak: its say, the course's own phrases, the letter's stand-in."""
    if isinstance(step, Say):
        return [spoken_text(step.text)]
    if isinstance(step, Phrases):
        return list(step.texts)
    if isinstance(step, Letter):
        return [step.missing]
    if isinstance(step, Repeat):
        return [t for s in step.steps for t in every_text(s)]
    return []


def flat(steps):
    for s in steps:
        if isinstance(s, Repeat):
            yield from flat(s.steps)
        else:
            yield s


def normal(text: str) -> str:
    return " ".join(re.sub(r"[^a-z ,]", " ", text.lower()).split())


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.stem)
def test_no_script_carries_a_published_programmes_signature_line(catalog, path):
    script = catalog.load_path(path)
    said = " | ".join(normal(t) for s in script.steps for t in every_text(s))
    found = [line for line in SIGNATURE_LINES if normal(line) in said or line.replace(",", "") in said.replace(",", "")]
    assert not found, found


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.stem)
def test_every_reflective_question_has_at_least_twenty_seconds_at_every_length(catalog, path):
    script = catalog.load_path(path)
    for step in flat(script.steps):
        if isinstance(step, Say) and spoken_text(step.text).endswith("?"):
            assert step.pause.low >= 20, (path.name, step.line, step.text)


def test_shaping_phrases_gets_at_least_thirty_seconds(catalog):
    script = load(catalog, "finding-your-phrases")
    shaping = [s for s in flat(script.steps) if isinstance(s, Say) and "shape" in s.text.lower()]
    assert shaping and all(s.pause.low >= 30 for s in shaping)
    assert any("someone you love" in s.text for s in flat(script.steps) if isinstance(s, Say))


def test_fears_of_compassion_come_before_warmth_towards_oneself(course):
    week = next(w for w in course.weeks if "fears-blocks-and-resistances" in w.exercises)
    assert week.number in (2, 3)
    if "loving-kindness-for-ourselves" in week.exercises:
        order = list(week.exercises)
        assert order.index("fears-blocks-and-resistances") < order.index("loving-kindness-for-ourselves")
    else:
        assert week.number < course.week_of("loving-kindness-for-ourselves")


@pytest.mark.parametrize("exercise", SIGNPOSTED)
def test_the_practices_that_need_it_point_to_help_out_loud(catalog, exercise):
    said = " ".join(t for s in load(catalog, exercise).steps for t in every_text(s))
    assert "feel worse after practising" in said and "not a failure" in said
    assert "therapist trained in compassion-focused work" in said
    assert "health professional" in said and "emergency services" in said


@pytest.mark.parametrize("exercise", BACKDRAFT_NOTED)
def test_warm_practices_say_that_grief_or_discomfort_is_common(catalog, exercise):
    said = " ".join(t for s in load(catalog, exercise).steps for t in every_text(s))
    assert re.search(r"(grief|sadness|discomfort).{0,60}common", said), exercise


def test_the_inner_critic_is_met_only_from_the_compassionate_self(catalog):
    lines = [t for s in load(catalog, "working-with-the-inner-critic").steps for t in every_text(s)]
    first_self = next(i for i, t in enumerate(lines) if "step into the compassionate self" in t)
    first_critic = next(i for i, t in enumerate(lines) if "critic's words" in t or "critic said" in t)
    assert first_self < first_critic
    said = " ".join(lines)
    assert "Hearing its words is enough" in said
    assert "Thanking it is optional" in said
    assert "someone who hurt you" in said and "therapist" in said


def test_every_exit_names_more_than_the_feet(catalog):
    for path in COURSE_FILES:
        for step in flat(catalog.load_path(path).steps):
            for text in every_text(step):
                if "feel your feet" in text:
                    assert "wherever your body is supported" in text, (path.name, text)


def test_no_practice_frames_distress_as_progress_or_asks_for_a_smile_without_an_alternative(catalog):
    for path in COURSE_FILES:
        for step in flat(catalog.load_path(path).steps):
            for text in every_text(step):
                assert "heart opening" not in text
                assert "heartbeat" not in text.lower(), (path.name, text)
                if re.search(r"\bsmile come\b|let a gentle smile", text):
                    assert "if that feels okay" in text.lower() and "soft face is enough" in text, (path.name, text)
                if "hand on your heart" in text.lower() or "hands on your heart" in text.lower():
                    pytest.fail(f"{path.name}: {text}")


def test_the_safe_place_may_be_invented_and_empty_and_is_built_before_resting(catalog):
    lines = [t for s in load(catalog, "safe-place").steps for t in every_text(s)]
    said = " ".join(lines)
    assert "invent one that has never existed" in said and "only a little calmer" in said
    assert "who, if anyone, is there" in said and "anything unwanted appears" in said
    rest = next(i for i, t in enumerate(lines) if t.startswith("Let yourself settle here"))
    building = [i for i, t in enumerate(lines) if "picture coming into focus" in t or "temperature of the air" in t]
    assert building and max(building) < rest


def test_the_first_practice_offers_another_anchor_than_the_breath_at_once(catalog):
    lines = [t for s in load(catalog, "soothing-rhythm-breathing").steps for t in every_text(s)]
    anchor = next(i for i, t in enumerate(lines) if "your hands" in t and "sounds" in t)
    breath = next(i for i, t in enumerate(lines) if "lower, down towards the belly" in t)
    assert anchor < breath


def test_one_kind_phrase_means_one_of_yours(catalog):
    mine = Words(("First of mine.", "Second of mine.", "Third of mine."), None, "owner0")
    for exercise in ("pocket-practice", "hand-where-it-hurts"):
        said = [e.text for e in load(catalog, exercise).events(mine) if hasattr(e, "text")]
        assert "First of mine." in said and "Second of mine." not in said, exercise


def test_hearing_your_letter_without_a_letter_does_not_ask_how_it_felt(catalog):
    script = load(catalog, "hearing-your-letter")
    without = [e.text for e in script.events(NO_WORDS) if hasattr(e, "text")]
    with_letter = [e.text for e in script.events(Words((), "Dear me. Be well.", "owner0")) if hasattr(e, "text")]
    asks = "Notice how it feels to receive these words."
    assert not any(asks in t for t in without)
    assert any(asks in t for t in with_letter)


@pytest.mark.parametrize(
    ("number", "joined"),
    [
        (3, "fears-blocks-and-resistances"),  # moved from week 5
        (6, "compassionate-reasoning"),  # new: compassionate reasoning, thinking a hard moment through
        (8, "compassionate-action"),  # new: compassionate behaviour, a small and sometimes brave step
    ],
)
def test_a_week_done_before_a_practice_joined_it_stays_done(course, number, joined):
    week = course.week(number)
    assert dict(week.joined).get(joined) == date(2026, 12, 5)
    earlier = [ex for ex in week.exercises if ex != joined]
    start = date(2026, 11, 2)
    days = {ex: {start + timedelta(days=i)} for i, ex in enumerate(earlier)}
    days[earlier[0]] |= {start + timedelta(days=len(earlier) + k) for k in range(week.goal_days - len(earlier))}
    states = progress.week_states([week], days, {}, date(2026, 12, 20))
    assert states[0].completed  # finished before the practice joined: still finished
    later = {ex: {d + timedelta(days=40) for d in ds} for ex, ds in days.items()}
    states = progress.week_states([week], later, {}, date(2027, 1, 30))
    assert not states[0].completed  # from then on, the week asks for it too
    later[joined] = {date(2027, 1, 20)}
    assert progress.week_states([week], later, {}, date(2027, 1, 30))[0].completed
