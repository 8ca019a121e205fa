"""A session laid out while it plays: what has been handed to the speakers is fixed, the rest is predicted.

Playback can begin before every line has been made. Each item is laid out for good only when playback
reaches it, so:

- a line whose speech is not ready yet is waited for inside the pause before it (a short silence is
  added there), never by cutting sound;
- a line whose first sentence is ready before the rest begins with it (the rest follows, waited for in
  the short pause between its sentences if need be);
- each elastic pause takes its length when it is reached, from the best knowledge at that moment (real
  lengths where speech is made, estimates elsewhere), so the session still meets its chosen length even
  when estimates were off or the machine fell behind.

With every length exact and nothing waited for, the layout equals `timeline.build` for the same length.
Pure: no threads, no clock; the caller says what is ready.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from player.core.script.model import BellSound, Gap, Speech
from player.core.timeline import MARGINS, Clip, Cue, Margins, Sized, core

Ready = Callable[[str], "int | None"]


class LiveLayout:
    def __init__(
        self, items: Sequence[Sized], rate: int, minutes: float | None = None, margins: Margins = MARGINS
    ) -> None:
        self.items: list[Sized] = core(items)
        self.margins = margins
        self.rate = rate
        self.target = None if minutes is None else minutes * 60 * rate
        self.clips: list[Clip] = []
        self.end = 0  # frames laid out for good
        self.next = 0  # index of the next item to lay out
        self.done = False  # everything, the closing silence too, is laid out
        self.version = 0  # changes whenever the prediction may have changed
        self._residue = 0.0
        self.begun = 0  # frames of the next line already laid out (its first sentence)
        self._predicted: tuple[int, list[Clip]] | None = None
        self._silence(margins.lead_s * rate)

    # -- knowledge ----------------------------------------------------------------------------------
    def learn_many(self, frames: dict[str, int]) -> None:
        """Real lengths of lines now made: later pauses will be fitted to them."""
        changed = False
        for i in range(self.next, len(self.items)):
            it = self.items[i]
            n = frames.get(it.key) if it.key else None
            if n is not None and (it.frames != n or not it.exact):
                self.items[i] = replace(it, frames=n, exact=True)
                changed = True
        if changed:
            self._changed()

    @property
    def exact(self) -> bool:
        return all(it.exact for it in self.items[self.next :])

    def waiting_for(self) -> str | None:
        """The key of the line the layout cannot go past until it is ready (None if not blocked)."""
        if self.done or self.next >= len(self.items):
            return None
        it = self.items[self.next]
        return it.key if isinstance(it.event, Speech) and it.frames > 0 else None

    # -- laying out ---------------------------------------------------------------------------------
    def extend(self, upto: int, ready: Ready, first: Ready | None = None) -> int:
        """Lay out items for good until `upto` frames are covered, or a line is not ready; returns `end`.
        `first(key)`: the length of a line's first sentence when it is ready before the whole line."""
        while self.end < upto and not self.done:
            if not self._lay_next(ready, first):
                break
        return self.end

    def wait_here(self, frames: int) -> None:
        """Add silence now, while the next line is not ready (later elastic pauses give the time back)."""
        self._silence(frames)

    def _lay_next(self, ready: Ready, first: Ready | None = None) -> bool:
        if self.next >= len(self.items):
            self._silence(self.margins.tail_s * self.rate)
            self.done = True
            self._changed()
            return True
        it = self.items[self.next]
        ev = it.event
        if isinstance(ev, Gap):
            self._silence(ev.pause.at(self.fraction()) * self.rate)
        elif isinstance(ev, Speech):
            if it.frames > 0:
                n = ready(it.key)
                if n is None:
                    return self._begin(it.key, ev, first)
                if n != it.frames or not it.exact:
                    self.items[self.next] = it = replace(it, frames=n, exact=True)
                if n > self.begun:
                    self.clips.append(Clip(self.end, n - self.begun, "speech", it.key, ev.text, ev.line, self.begun))
                    self.end += n - self.begun
                self.begun = 0
        elif isinstance(ev, BellSound):
            self.clips.append(Clip(self.end, it.frames, "bell", ev.name))
            self.end += it.frames
        self.next += 1
        self._changed()
        return True

    def _begin(self, key: str, ev: Speech, first: Ready | None) -> bool:
        """Lay out a line's first sentence while the rest is being made; False when there is none yet."""
        n = first(key) if first is not None and not self.begun else None
        if not n:
            return False
        self.clips.append(Clip(self.end, n, "first", key, ev.text, ev.line))
        self.end += n
        self.begun = n
        self._changed()
        return True

    def _silence(self, frames: float) -> None:
        exact = frames + self._residue
        n = int(round(exact))
        self._residue = exact - n
        if n > 0:
            self.clips.append(Clip(self.end, n, "silence"))
            self.end += n
            self._changed()

    def fraction(self) -> float:
        """Where the remaining elastic pauses sit in their ranges (0..1) to end at the target length."""
        if self.target is None:
            return 0.0
        fixed = self.margins.tail_s * self.rate
        span = 0.0
        for it in self.items[self.next :]:
            ev = it.event
            if isinstance(ev, Gap):
                fixed += ev.pause.low * self.rate
                if ev.pause.elastic:
                    span += (ev.pause.high - ev.pause.low) * self.rate
            else:
                fixed += it.frames
        fixed -= self.begun
        if span <= 0:
            return 0.0
        return min(1.0, max(0.0, (self.target - self.end - fixed) / span))

    def _changed(self) -> None:
        self.version += 1
        self._predicted = None

    # -- prediction ------------------------------------------------------------------------------------
    def predicted(self) -> list[Clip]:
        """Every clip: those laid out, then the rest as they would be laid out with what is known now."""
        if self._predicted is not None and self._predicted[0] == self.version:
            return self._predicted[1]
        clips = list(self.clips)
        end, residue = self.end, self._residue
        f = self.fraction()

        def silence(frames: float) -> None:
            nonlocal end, residue
            exact = frames + residue
            n = int(round(exact))
            residue = exact - n
            if n > 0:
                clips.append(Clip(end, n, "silence"))
                end += n

        if not self.done:
            for i, it in enumerate(self.items[self.next :]):
                ev = it.event
                begun = self.begun if i == 0 else 0
                if isinstance(ev, Gap):
                    silence(ev.pause.at(f) * self.rate)
                elif it.frames > begun:
                    kind, ref = ("speech", it.key) if isinstance(ev, Speech) else ("bell", ev.name)
                    text, line = (ev.text, ev.line) if isinstance(ev, Speech) else ("", 0)
                    clips.append(Clip(end, it.frames - begun, kind, ref, text, line, begun))
                    end += it.frames - begun
            silence(self.margins.tail_s * self.rate)
        self._predicted = (self.version, clips)
        return clips

    @property
    def total(self) -> int:
        """The session's length in frames as it now stands (exact once everything is laid out)."""
        clips = self.predicted()
        return clips[-1].end if clips else 0

    def cues(self) -> list[Cue]:
        """One caption a line, however many clips it is heard in."""
        cues: list[Cue] = []
        first = ""  # the key of a line whose first sentence came just before: its rest keeps the caption
        for c in self.predicted():
            if c.kind not in ("speech", "first"):
                continue
            if c.kind == "speech" and c.ref == first:
                cues[-1] = Cue(cues[-1].start, c.end / self.rate, c.text)
            else:
                cues.append(Cue(c.start / self.rate, c.end / self.rate, c.text))
            first = c.ref if c.kind == "first" else ""
        return cues

    def clip_index(self, frame: int) -> int:
        """Index (in `clips`) of the laid-out clip holding `frame`, or -1 past the laid-out part."""
        lo, hi = 0, len(self.clips)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.clips[mid].end <= frame:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.clips) and self.clips[lo].start <= frame else -1
