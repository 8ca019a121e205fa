"""The one session lifecycle (begin, checkpoint, finish), with the silent backend and a recorder in memory."""

from __future__ import annotations

import time

import pytest

from player.adapters.playback.clocked import SilentBackend
from player.app import context, practice, recording, timer
from tests.conftest import NOW


class BrokenRecorder:
    def save(self, session, final):
        return recording.Saved(False, "cannot save progress: the disk is full; nowhere to keep it either")

    def discard(self, session):
        pass


def a_timer(home, recorder, minutes=0.5):
    ctx = context.open_context(home)
    spec = timer.TimerSpec(minutes, 0, "chime", 0)
    session = timer.open_session(ctx, spec)
    return practice.Practice(
        ctx, session, SilentBackend(), recorder, captions=practice.Captions(tuple(timer.cues(spec)))
    )


def test_a_session_starts_when_its_sound_starts_and_is_recorded_once(home):
    recorder = recording.MemoryRecorder()
    p = a_timer(home, recorder)
    assert p.checkpoint() is None  # nothing has started yet
    p.begin()
    assert p.started_at is not None and abs((p.started_at - NOW).total_seconds()) < 60  # the app's clock
    time.sleep(1.5)
    mid = p.checkpoint()
    assert mid is not None and 1.0 < mid.listened_s < 3.0 and mid.exercise_id == "timer"
    outcome = p.finish()
    assert outcome.kept and not outcome.completed and 1.0 < outcome.heard_s < 3.0
    assert p.finish() is outcome  # once, however many ways the session ends
    assert len(recorder.sessions) == 1 and recorder.sessions[0].listened_s == pytest.approx(outcome.heard_s, abs=0.3)


def test_stopping_within_the_first_second_keeps_nothing_and_says_so(home):
    recorder = recording.MemoryRecorder()
    p = a_timer(home, recorder)
    p.begin()
    outcome = p.finish()
    assert not outcome.kept and recorder.sessions == []


def test_a_session_the_store_cannot_take_is_not_called_kept(home):
    p = a_timer(home, BrokenRecorder())
    p.begin()
    time.sleep(1.2)
    outcome = p.finish()
    assert not outcome.kept and "disk is full" in outcome.problem
