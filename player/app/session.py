"""A practice's sound: laid out as it plays, its speech made in the background in the order it will be
heard, its PCM read piece by piece (a sixty-minute session needs no more memory than one)."""

from __future__ import annotations

import threading

from player.adapters.catalog import Entry
from player.adapters.sound import sounds
from player.adapters.sound.ambience import Mixer
from player.adapters.sound.live import LiveLayout
from player.adapters.speech import synth
from player.app import context, library
from player.core.errors import WorkFailed
from player.core.script.model import Background, Script
from player.core.timeline import SAMPLE_RATE, Cue

#: Ambience under a session: its sound and how it is played (see `library.resolve_background`).
Bed = tuple[bytes, Background]

#: Silence added inside a pause while the next line is still being made.
WAIT_FRAMES = int(0.1 * SAMPLE_RATE)


class Session:
    """A practice ready to play: laid out as it plays, its speech made in the background in the order it
    will be heard, its sound read piece by piece (a sixty-minute session needs no more memory than one)."""

    def __init__(
        self,
        ctx: context.Context,
        entry: Entry,
        script: Script,
        plan: library.Plan,
        minutes: float | None,
        background: Bed | None = None,
        progress: context.Progress | None = None,
    ) -> None:
        self.ctx, self.entry, self.script, self.plan, self.minutes = ctx, entry, script, plan, minutes
        self.audio_key = audio_key(plan, minutes, background)
        self.rate = SAMPLE_RATE
        self.layout = LiveLayout(plan.items, self.rate, minutes, plan.margins.live)  # the first sound at once
        self._lock = threading.RLock()
        report = (lambda done, total: progress("speech", done, total)) if progress else None
        self.synthesis = synth.Synthesis(ctx.cache, plan.utterances, report, first_sentence=True)
        self._learned = -1
        self._speech: dict[str, bytes] = {}
        self.mixer = None
        if background is not None:
            loop, settings = background
            self.mixer = Mixer(loop, settings, self.rate, plan.voice.volume, ctx.settings.ambience_level)
        self.synthesis.start()

    # -- what the Player asks --------------------------------------------------------------------------
    def total(self) -> int:
        with self._lock:
            self._learn()
            return self.layout.total

    @property
    def duration(self) -> float:
        return self.total() / self.rate

    def laid_out(self) -> int:
        with self._lock:
            return self.layout.end

    def complete(self) -> bool:
        with self._lock:
            return self.layout.done

    def extend(self, upto: int, wait_if_blocked: bool) -> int:
        with self._lock:
            self._learn()
            end = self.layout.extend(upto, self._ready, self.synthesis.first)
            if end < upto and not self.layout.done and wait_if_blocked:
                self.layout.wait_here(WAIT_FRAMES)
            return self.layout.end

    def wait_for_speech(self, timeout: float) -> None:
        with self._lock:
            key, begun = self.layout.waiting_for(), self.layout.begun
        if key is not None:
            self.synthesis.wait(key, timeout, first=not begun)

    def read(self, start: int, frames: int) -> bytes:
        """PCM of frames [start, start + frames), which must be laid out."""
        with self._lock:
            clips = self.layout.clips
            i = self.layout.clip_index(start)
            out = bytearray()
            pos, stop = start, start + frames
            while pos < stop and 0 <= i < len(clips):
                clip = clips[i]
                a, b = pos - clip.start, min(clip.length, stop - clip.start)
                if clip.kind == "silence":
                    out += bytes((b - a) * 2)
                else:
                    out += self._pcm(clip.kind, clip.ref)[(clip.offset + a) * 2 : (clip.offset + b) * 2]
                pos = clip.start + b
                i += 1
            total = self.layout.total
        if len(out) < frames * 2:
            out += bytes(frames * 2 - len(out))
        pcm = bytes(out)
        return self.mixer.mix_at(pcm, start, total) if self.mixer else pcm

    # -- internals -------------------------------------------------------------------------------------
    def _ready(self, key: str) -> int | None:
        if self.synthesis.failed is not None:
            raise self.synthesis.failed
        return self.synthesis.ready(key)

    def _learn(self) -> None:
        done = self.synthesis.done
        if done != self._learned:
            self._learned = done
            self.layout.learn_many(dict(self.synthesis.frames))

    def _pcm(self, kind: str, ref: str) -> bytes:
        if kind == "bell":
            return sounds.load_bell(ref, self.plan.user_sounds)
        if kind == "first":
            return self.synthesis.firsts[ref]
        pcm = self._speech.get(ref)
        if pcm is None:
            pcm = self.ctx.cache.read(ref)
            if pcm is None:
                raise WorkFailed(
                    "a spoken line went missing from the speech cache while playing", "play the practice again"
                )
            if len(self._speech) >= 4:
                self._speech.pop(next(iter(self._speech)))
            self._speech[ref] = pcm
        return pcm

    def cues(self) -> tuple[int, list[Cue]]:
        """(layout version, captions as they now stand)."""
        with self._lock:
            self._learn()
            return self.layout.version, self.layout.cues()

    def close(self) -> None:
        """Stop making speech nobody will hear (what is being made is finished and cached)."""
        self.synthesis.cancel()
        if self.synthesis.done:
            self.ctx.tidy_cache({u.key for u in self.plan.utterances})


def audio_key(plan: library.Plan, minutes: float | None, background: Bed | None) -> str:
    """What a session's audio is made from (lines, voice, pauses, bells, length, ambience), as one key: a
    stopped session can be continued only if this is the same."""
    import hashlib
    import json

    from player.adapters.speech.cache import FORMAT_VERSION

    parts: list[object] = [FORMAT_VERSION, minutes, plan.margins.lead_s, plan.margins.tail_s]
    for it in plan.items:
        ev = it.event
        parts.append(it.key or getattr(ev, "name", None) or repr(getattr(ev, "pause", "")))
    if background is not None:
        parts.append(background[1].__dict__)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
