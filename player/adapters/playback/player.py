"""The Player: play, pause, resume, seek and stop a session, with its position taken from the audio device.

A feeder thread lays out the session ahead of the listener (about a second) and puts its PCM in a short
queue; the backend pulls from the queue when the device wants sound, and tells us which of the frames it
was handed have actually been heard. Every hand-over is noted (device frames -> session frames), so:

- the position is the session frame being heard right now, never the one being handed over;
- pausing stops the hand-over: what the device already holds is still heard, and playback resumes
  exactly after it (nothing lost, nothing repeated), however quickly pause is pressed again;
- "listened" counts session frames actually heard, each once; skipping ahead adds nothing;
- the session is finished only when its last frame has been heard;
- the device starts once the first sound is ready: no silence is queued ahead of a line still being made.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import NamedTuple

from player.adapters.playback.backend import Backend, PlaybackState, Source
from player.adapters.playback.handover import Handover
from player.adapters.sound import pcm

BLOCK = 2048
LOOKAHEAD_S = 1.0
#: When less than this is waiting to be heard and the next line is not ready, wait inside the pause.
LOW_WATER_S, WAIT_STEP_S = 0.35, 0.1


class _Block(NamedTuple):
    gen: int  # the seek it belongs to
    t: int  # its first session frame
    pcm: bytes
    frames: int


class Player:
    def __init__(self, source: Source, backend: Backend, on_finished: Callable[[], None] | None = None) -> None:
        self.source = source
        self.rate = source.rate
        self.backend = backend
        self.on_finished = on_finished
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._state = PlaybackState.STOPPED
        self._queue: collections.deque[_Block] = collections.deque()
        self._head = 0  # frames of the first queued block already handed over
        self._gen = 0  # bumped by every seek: older blocks are dropped
        self._cursor = 0  # session frame the feeder makes next
        self._take = 0  # session frame the device is handed next
        self._paused = True
        self._log = Handover()
        self._handed = 0  # device frames handed over so far
        self._heard_max = 0
        self._finished_fired = False
        self._hold: int | None = None  # while paused after a seek: where playback will resume
        self._feeder: threading.Thread | None = None
        self._started = False  # the backend is opened once the first sound is ready
        self._closing = False
        self.waiting = False  # the feeder is waiting inside a pause for a line to be made
        self.error: BaseException | None = None
        self.volume = 100  # percent
        self._gain = 1.0

    def set_volume(self, percent: int) -> None:
        """Louder or softer from the next sound handed to the device; 0 to 100 %, felt as even steps."""
        self.volume = max(0, min(100, int(percent)))
        self._gain = (self.volume / 100) ** 2

    # -- reading ----------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        return self.source.total() / self.rate

    @property
    def state(self) -> PlaybackState:
        with self._lock:
            return self._state

    def _heard(self) -> int:
        h = max(self._heard_max, min(self.backend.heard(), self._handed))
        self._heard_max = h
        return h

    def _session_frame(self, h: int) -> int:
        return self._log.frame_at(h, self._take)

    @property
    def frame(self) -> int:
        """The session frame being heard now."""
        with self._lock:
            if self._hold is not None:
                return self._hold
            if self._state is PlaybackState.STOPPED and not self._log.runs:
                return self._take
            return self._session_frame(self._heard())

    @property
    def sounding(self) -> bool:
        """Whether sound has begun: the device starts once the first sound is ready."""
        return self._started

    @property
    def position(self) -> float:
        return self.frame / self.rate

    def heard_spans(self) -> list[tuple[float, float]]:
        """The stretches of the session heard so far, in seconds, merged and in order."""
        with self._lock:
            return [(a / self.rate, b / self.rate) for a, b in self._log.heard_spans(self._heard())]

    @property
    def listened(self) -> float:
        """Seconds of the session actually heard, each moment counted once."""
        with self._lock:
            return self._log.heard_frames(self._heard()) / self.rate

    # -- control -------------------------------------------------------------------------------------
    def play(self, start_at: float = 0.0) -> None:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                self.seek(start_at)
                return
            self._set_cursor(self._reachable(start_at))
            self._paused = False
            self._hold = None
            self._state = PlaybackState.PLAYING
            self._finished_fired = False
            self._wake.notify_all()
        self._ensure_running()

    def pause(self) -> None:
        with self._lock:
            if self._state is not PlaybackState.PLAYING:
                return
            self._paused = True
            self._state = PlaybackState.PAUSED
            if self.backend.flushes:
                self._flush()

    def resume(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PAUSED:
                self._paused = False
                self._hold = None
                self._state = PlaybackState.PLAYING
                self._wake.notify_all()

    def toggle(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                self.pause()
            elif self._state is PlaybackState.PAUSED:
                self.resume()
            elif self._state is PlaybackState.FINISHED:
                self.play(0)

    def seek(self, seconds: float) -> None:
        """Jump to a position; keeps playing if playing, stays paused if paused. Forward only as far as
        speech has been made."""
        with self._lock:
            target = self._reachable(seconds)
            if self.backend.flushes and self._log.runs:
                self._flush()
            self._set_cursor(target)
            if self._state is PlaybackState.FINISHED:
                self._state = PlaybackState.PAUSED
                self._paused = True
                self._finished_fired = False
            if self._state is not PlaybackState.PLAYING:
                self._hold = target  # shown at once; nothing is heard until playback resumes
            self._wake.notify_all()

    def skip(self, delta: float) -> None:
        self.seek(self.position + delta)

    def stop(self) -> None:
        """Stop at once (the listener left): nothing more is handed over or made."""
        with self._lock:
            if self._state is PlaybackState.STOPPED and self._feeder is None:
                return
            self._state = PlaybackState.STOPPED
            self._paused = True
            self._closing = True
            self._wake.notify_all()
        self.backend.close()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the session has finished (or stopped); True when it did within `timeout`."""
        with self._lock:
            return self._wake.wait_for(lambda: self._state in (PlaybackState.FINISHED, PlaybackState.STOPPED), timeout)

    # -- internals ------------------------------------------------------------------------------------
    def _reachable(self, seconds: float) -> int:
        target = max(0, int(round(seconds * self.rate)))
        end = self.source.extend(target + 1, wait_if_blocked=False)
        total = self.source.total()
        if self.source.complete():
            return min(target, max(0, total - 1))
        return min(target, end)

    def _set_cursor(self, frame: int) -> None:
        self._gen += 1
        self._queue.clear()
        self._head = 0
        self._cursor = self._take = frame

    def _flush(self) -> None:
        """For backends that can drop what they hold at once (never waiting on the audio thread)."""
        self._rewind(self.backend.flush())

    def _rewind(self, h: int) -> None:
        """Forget everything handed after device frame `h`; playback goes on from the session frame there."""
        self._heard_max = min(self._heard_max, h)
        pos = self._session_frame(h)
        self._log.forget_after(h)
        self._handed = h
        self._set_cursor(pos)

    def pull(self, frames: int) -> bytes:
        """The next `frames` frames for the device (called from the audio thread; never blocks for long)."""
        out = bytearray()
        with self._lock:
            d = self._handed
            if not self._paused:
                while len(out) < frames * 2 and self._queue:
                    blk = self._queue[0]
                    if blk.gen != self._gen:
                        self._queue.popleft()
                        self._head = 0
                        continue
                    take = min(frames - len(out) // 2, blk.frames - self._head)
                    out += blk.pcm[self._head * 2 : (self._head + take) * 2]
                    self._log.note(d + len(out) // 2 - take, take, blk.t + self._head, True)
                    self._head += take
                    self._take = blk.t + self._head
                    if self._head >= blk.frames:
                        self._queue.popleft()
                        self._head = 0
            short = frames - len(out) // 2
            if short:
                self._log.note(d + len(out) // 2, short, self._take, False)
                out += bytes(short * 2)
            self._handed += frames
            self._wake.notify_all()
        return bytes(out) if self._gain == 1.0 else pcm.gain(out, self._gain)

    def handed(self) -> int:
        """Device frames handed to the backend so far."""
        with self._lock:
            return self._handed

    def _ensure_running(self) -> None:
        with self._lock:
            if self._feeder is not None:
                return
            self._feeder = threading.Thread(target=self._feed, daemon=True, name="player-feed")
        self.backend.prepare(self.rate)
        self._feeder.start()

    def _start_output(self) -> None:
        """Open the backend (from the feeder, once the first sound is queued or there is nothing to wait for)."""
        with self._lock:
            if self._started or self._closing:
                return
            self._started = True
        self.backend.open(self.rate, self.pull, self.handed)

    def _queued(self) -> int:
        return sum(b.frames for b in self._queue if b.gen == self._gen) - self._head

    def _feed(self) -> None:
        try:
            self._feed_loop()
        except BaseException as exc:  # a failure while playing is shown to the listener, not swallowed
            with self._lock:
                self.error = exc
                self._state = PlaybackState.STOPPED
                self._wake.notify_all()
            self.backend.close()

    def _feed_loop(self) -> None:
        lookahead = int(max(LOOKAHEAD_S, self.backend.lead_s + LOOKAHEAD_S) * self.rate)
        low = int(LOW_WATER_S * self.rate)
        while True:
            with self._lock:
                if self._closing:
                    return
                unsteady = self.backend.unsteady()
            if unsteady:
                # Restart the output outside our lock: stopping a stream waits for its audio thread, which
                # may be waiting for this lock. Playback goes on from the frame heard.
                h = self.backend.flush()
                with self._lock:
                    self._rewind(h)
                self.backend.open(self.rate, self.pull, self.handed)
                continue
            with self._lock:
                self._check_finished()
                if self._state is PlaybackState.FINISHED or self._queued() >= lookahead:
                    self._wake.wait(0.05)
                    continue
                gen, cursor = self._gen, self._cursor
                in_device = self._handed - self._heard()
                ahead = self._queued() + (0 if self._paused else in_device)
            end = self.source.extend(cursor + BLOCK, wait_if_blocked=False)
            if end <= cursor:
                if self.source.complete():
                    self._start_output()
                    with self._lock:
                        self._wake.wait(0.02)
                    continue
                # The next line is still being made.
                if not self._started:  # nothing is playing yet: wait for it, adding no silence before it
                    self.waiting = True
                    self.source.wait_for_speech(WAIT_STEP_S)
                    continue
                if ahead < low and not self._paused:
                    self.waiting = True
                    end = self.source.extend(cursor + BLOCK, wait_if_blocked=True)
                else:
                    self.source.wait_for_speech(WAIT_STEP_S)
                    continue
            else:
                self.waiting = False
            n = min(BLOCK, end - cursor)
            pcm = self.source.read(cursor, n)
            with self._lock:
                if gen == self._gen and not self._closing:
                    self._queue.append(_Block(gen, cursor, pcm, len(pcm) // 2))
                    self._cursor = cursor + n
            self._start_output()

    def _check_finished(self) -> None:
        """Called with the lock held: finished once the last frame has been heard and the device is idle."""
        if self._state is not PlaybackState.PLAYING or self._finished_fired:
            return
        if not self.source.complete() or self._cursor < self.source.total() or self._queued() > 0:
            return
        if self._heard() < self._log.last_sound_end() or not self.backend.drained():
            return
        self._finished_fired = True
        self._state = PlaybackState.FINISHED
        self._paused = True
        self._wake.notify_all()
        callback = self.on_finished
        if callback:
            threading.Thread(target=callback, daemon=True, name="player-finished").start()
