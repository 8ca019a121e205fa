"""The Player with a fake device whose delay and stalls the test decides, and the live layout."""

from __future__ import annotations

import threading
import time

import pytest

from player.adapters.playback.player import PlaybackState, Player
from player.adapters.sound.live import LiveLayout
from player.core.script.model import BellSound, Gap, Pause, Speech
from player.core.timeline import Sized, build, fraction_for

RATE = 1000  # one frame a millisecond keeps the arithmetic readable


class FakeDevice:
    """Takes frames when the test says so; 'hears' them `delay` frames later, and can stall."""

    name = "fake"
    flushes = False
    lead_s = 0.0

    def __init__(self, delay: int = 200) -> None:
        self.delay = delay
        self.played = bytearray()
        self.clock = 0  # device frames the device has been running for
        self.stalled_for = 0  # frames at the start during which nothing is heard
        self.prepared = threading.Event()
        self.opened = threading.Event()

    def prepare(self, rate):
        self.prepared.set()

    def open(self, rate, pull, handed):
        self.pull, self.handed = pull, handed
        self.opened.set()

    def run(self, frames: int, block: int = 50) -> None:
        """Let the device run for `frames`, keeping `delay` frames queued (as a real device does, in time
        for the feeder to have the next frames ready)."""
        for _ in range(frames // block):
            self.clock += block
            while self.handed() < self.clock + self.delay:
                end = time.monotonic() + 1
                while self.player._queued() < block and not self.player._paused and time.monotonic() < end:
                    time.sleep(0.001)
                self.played += self.pull(block)

    def heard(self) -> int:
        return max(0, self.clock - self.stalled_for)

    def flush(self) -> int:
        return self.heard()

    def drained(self) -> bool:
        return True

    def unsteady(self) -> bool:
        return False

    def close(self) -> None:
        pass


class Ramp:
    """A source whose every frame says where it is (frame n holds the value n % 30000)."""

    rate = RATE

    def __init__(self, frames: int) -> None:
        self.frames = frames

    def total(self):
        return self.frames

    def laid_out(self):
        return self.frames

    def complete(self):
        return True

    def extend(self, upto, wait_if_blocked):
        return self.frames

    def read(self, start, n):
        import array

        return array.array("h", [(start + i) % 30000 for i in range(n)]).tobytes()

    def wait_for_speech(self, timeout):
        time.sleep(timeout)


class SlowStart(Ramp):
    """A session whose first line is still being made when play is pressed."""

    def __init__(self, frames: int) -> None:
        super().__init__(frames)
        self.made = threading.Event()

    def laid_out(self):
        return self.frames if self.made.is_set() else 0

    def complete(self):
        return self.made.is_set()

    def extend(self, upto, wait_if_blocked):
        return self.frames if self.made.is_set() else 0

    def wait_for_speech(self, timeout):
        self.made.wait(timeout)


def started(frames: int = 10_000, delay: int = 200) -> tuple[Player, FakeDevice]:
    device = FakeDevice(delay)
    p = Player(Ramp(frames), device)
    device.player = p
    p.play(0)
    end = time.monotonic() + 5
    while p._queued() < 1000 and time.monotonic() < end:  # let the feeder fill its queue
        time.sleep(0.005)
    return p, device


def values(pcm: bytes) -> list[int]:
    import array

    return array.array("h", pcm).tolist()


def test_position_is_what_the_device_has_heard_not_what_it_was_given():
    p, device = started(delay=200)
    device.run(1000)
    assert p._handed >= 1200
    assert p.frame == 1000  # the 200 frames in the device's buffer are not heard yet
    assert p.position == pytest.approx(1.0)


def test_the_device_starts_only_when_the_first_sound_is_ready_so_no_silence_comes_before_it():
    device, source = FakeDevice(delay=200), SlowStart(5000)
    p = Player(source, device)
    device.player = p
    p.play(0)
    assert device.prepared.wait(2)  # made ready at once...
    assert not device.opened.wait(0.3)  # ...but not started while the first line is being made
    assert p.waiting and p.position == 0
    source.made.set()
    assert device.opened.wait(2)
    device.run(1000)
    assert values(bytes(device.played))[:1200] == list(range(1200))  # the session's first frame first
    assert p.frame == 1000 and p.listened == pytest.approx(1.0, abs=0.01)


def test_a_device_that_stalls_at_the_start_holds_the_position():
    p, device = started()
    device.stalled_for = 400
    device.run(300)
    assert p.frame == 0
    device.run(500)
    assert p.frame == 400


def test_pause_resumes_exactly_after_what_the_device_held_and_a_double_pause_skips_nothing():
    p, device = started(delay=200)
    device.run(1000)
    p.pause()
    p.resume()
    p.pause()  # twice in quick succession
    device.run(1000)  # the held 200 frames play out, then silence
    assert p.state is PlaybackState.PAUSED
    assert p.frame == 1200
    p.resume()
    device.run(1000)
    heard = [v for v in values(bytes(device.played)) if v]
    assert heard == list(range(1, len(heard) + 1))  # every frame once, in order: nothing lost or repeated
    # 1.2 s before the pause; after resuming, the silence the device held while paused plays first
    assert p.listened == pytest.approx(1.2 + 0.8, abs=0.01)


def test_seek_while_paused_shows_the_target_at_once_and_counts_nothing_skipped():
    p, device = started()
    device.run(1000)
    p.pause()
    p.seek(5.0)
    assert p.position == 5.0  # shown at once, though nothing is heard while paused
    device.run(500)
    assert p.position == 5.0
    p.resume()
    device.run(1000)
    assert p.frame == 5000 + 1000 - 200
    assert p.listened == pytest.approx(1.2 + 0.8, abs=0.01)  # heard before and after; the skip adds nothing


def test_seeking_back_counts_each_moment_once():
    p, device = started()
    device.run(2000)
    p.seek(0.5)
    device.run(2000)
    # 0..2.2 s (the device held up to 2.2 when the seek came), then 0.5..2.3: overlaps count once
    assert p.listened == pytest.approx(2.3, abs=0.02)


def test_finished_only_when_the_last_frame_has_been_heard():
    done = []
    device = FakeDevice(delay=300)
    p = Player(Ramp(1000), device, on_finished=lambda: done.append(True))
    device.player = p
    p.play(0)
    assert device.opened.wait(2)
    device.run(900)
    time.sleep(0.1)
    assert p.state is PlaybackState.PLAYING and not done  # everything handed over, not all heard
    device.run(200)
    assert p.wait(2)
    assert p.state is PlaybackState.FINISHED
    time.sleep(0.05)
    assert done == [True]


# -- the live layout ------------------------------------------------------------------------------------


def items(known: bool = True) -> list[Sized]:
    speech = lambda t, n: Sized(Speech(t, 1), n, t, exact=known)  # noqa: E731
    return [
        Sized(BellSound("bowl"), 3000),
        Sized(Gap(Pause.fixed(2))),
        speech("a", 1500),
        Sized(Gap(Pause(10, 70, True))),
        speech("b", 2500),
        Sized(Gap(Pause(5, 35, True))),
        speech("c", 1000),
    ]


def lay_out(layout: LiveLayout, ready) -> None:
    while not layout.done:
        before = layout.end
        layout.extend(layout.end + 500, ready)
        if layout.end == before:
            layout.wait_here(100)


def test_with_exact_lengths_the_live_layout_equals_the_rendered_timeline():
    for minutes in (None, 1.0, 1.5):
        layout = LiveLayout(items(), RATE, minutes)
        predicted = [(c.start, c.length, c.kind) for c in layout.predicted()]
        lay_out(layout, lambda key: {"a": 1500, "b": 2500, "c": 1000}[key])
        rendered = build(items(), RATE, fraction_for(items(), RATE, minutes, "t"))
        assert (
            [(c.start, c.length, c.kind) for c in layout.clips]
            == [(c.start, c.length, c.kind) for c in rendered.clips]
            == predicted
        )


def test_estimates_are_corrected_by_later_pauses_so_the_total_still_fits():
    layout = LiveLayout(items(known=False), RATE, 1.5)
    real = {"a": 2200, "b": 4000, "c": 1600}  # every line longer than estimated
    layout.extend(6000, real.get)  # the bell, its pause and the first line, at its real length
    layout.learn_many(real)  # speech is made ahead of the listener: the rest is measured before it is heard
    lay_out(layout, real.get)
    assert layout.total == pytest.approx(90_000, abs=2)
    assert [c.length for c in layout.clips if c.kind == "speech"] == [2200, 4000, 1600]


def test_a_line_not_ready_is_waited_for_inside_the_pause_and_the_time_is_given_back():
    layout = LiveLayout(items(), RATE, 1.5)
    ready: dict[str, int] = {}
    layout.extend(10_000, ready.get)
    blocked_at = layout.end  # the bell and its pause, then "a" is not made yet
    assert layout.waiting_for() == "a"
    layout.wait_here(100)
    layout.wait_here(100)
    ready.update(a=1500, b=2500, c=1000)
    lay_out(layout, ready.get)
    speech = [c for c in layout.clips if c.kind == "speech"]
    assert speech[0].start == blocked_at + 200  # heard after the wait, never cut
    assert layout.total == pytest.approx(90_000, abs=2)  # later elastic pauses gave the 200 ms back


def test_a_line_begins_with_its_first_sentence_while_the_rest_is_made_and_stays_one_line():
    layout = LiveLayout(items(), RATE, 1.5)
    ready: dict[str, int] = {}
    first = {"a": 600}  # "a" (1500 frames) has its first sentence made; the rest is still being made
    whole = LiveLayout(items(), RATE, 1.5)
    assert layout.total == whole.total
    layout.extend(10_000, ready.get, first.get)
    assert [c.kind for c in layout.clips][-1] == "first" and layout.begun == 600
    assert layout.waiting_for() == "a" and layout.total == whole.total  # the rest is still expected
    assert [(c.start, c.end) for c in layout.cues()] == [(c.start, c.end) for c in whole.cues()]
    layout.wait_here(100)  # the rest came late: a little longer between the sentences
    ready.update(a=1500, b=2500, c=1000)
    lay_out(layout, ready.get)
    a = [c for c in layout.clips if c.ref == "a"]
    assert [(c.kind, c.length, c.offset) for c in a] == [("first", 600, 0), ("speech", 900, 600)]
    assert a[1].start == a[0].end + 100
    cues = layout.cues()
    assert len(cues) == 3 and cues[0].start == a[0].start / RATE and cues[0].end == a[1].end / RATE
    assert layout.total == pytest.approx(90_000, abs=2)  # the wait is given back by later pauses
