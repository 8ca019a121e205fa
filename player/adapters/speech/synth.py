"""Making speech for a session: what the cache holds is ready at once, the rest is made in the background.

Lines are made in the order they will be heard, so playback can start as soon as the first ones are
ready while the rest are synthesized ahead of the listener. Workers write finished entries straight into
the cache; only keys, sample counts, process ids and an opening first sentence travel back.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence

from player.adapters.speech.base import SpeakAs
from player.adapters.speech.cache import SpeechCache
from player.adapters.speech.engines import get_engine
from player.adapters.speech.making import (
    load_voice,
    make_batch,
    make_first_sentence,
    synthesize_into,
)
from player.adapters.speech.utterance import Utterance
from player.core.errors import CompassionError, WorkFailed

#: With fewer misses than this, espeak-ng is quicker in this process than handing lines to workers.
PARALLEL_MIN = 40
_BATCH = 6
#: Engines whose synthesis runs in the single "neural" worker.
NEURAL = frozenset({"piper"})

Progress = Callable[[int, int], None]


# -- parent side --------------------------------------------------------------------------------


def warm_up(cache: SpeechCache, voice: SpeakAs) -> None:
    """Start the neural worker and have it load the voice now, while the practice is being laid out, so the
    first line is made as soon as it is asked for. Nothing to do for the other engines."""
    if voice.engine in NEURAL:
        from player.adapters.speech import workers

        with contextlib.suppress(RuntimeError):  # the pool was shut down (the app is closing)
            workers.pool("neural").submit(load_voice, str(cache.base), voice.voice)


class Cancelled(Exception):
    """The speech was no longer wanted (the listener left)."""


class Synthesis:
    """Speech for a list of utterances, made in the order given.

    `frames` holds the sample count of every utterance that is ready; `workers` the process ids that made
    speech (this process's own id when it made some itself).
    """

    def __init__(
        self,
        cache: SpeechCache,
        utterances: Sequence[Utterance],
        progress: Progress | None = None,
        *,
        parallel_min: int = PARALLEL_MIN,
        first_sentence: bool = False,
    ) -> None:
        self.cache = cache
        self.progress = progress
        self.parallel_min = parallel_min
        # Played live: the opening line's first sentence is made on its own and heard while the rest is made.
        self._opening = utterances[0].key if first_sentence and utterances else None
        self.firsts: dict[str, bytes] = {}
        self.frames: dict[str, int] = {}
        self.workers: set[int] = set()
        self._todo: list[Utterance] = []
        seen: set[str] = set()
        for u in utterances:
            if u.key in seen:
                continue
            seen.add(u.key)
            n = cache.frames(u.key)
            if n is None:
                self._todo.append(u)
            else:
                self.frames[u.key] = n
        self.total = len(self._todo)
        self.done = 0
        self._cond = threading.Condition()
        self._error: CompassionError | None = None
        self._futures: list = []
        self._cancelled = threading.Event()
        self._started = False

    # -- starting ---------------------------------------------------------------------------------
    def start(self) -> Synthesis:
        """Begin making what is missing (returns at once)."""
        if self._started:
            return self
        self._started = True
        if self.progress:
            self.progress(0, self.total)
        if not self._todo:
            return self
        for engine in {u.voice.engine for u in self._todo}:
            get_engine(engine).check_voice(next(u.voice.voice for u in self._todo if u.voice.engine == engine))
        neural = [u for u in self._todo if u.voice.engine in NEURAL]
        fast = [u for u in self._todo if u.voice.engine not in NEURAL]
        pooled = len(fast) >= self.parallel_min and (os.cpu_count() or 1) > 1
        if neural or pooled:
            from player.adapters.speech import workers  # processes only when there is work for them
        if neural:
            # In order, to the single neural worker: the first line on its own so it is ready soonest (its
            # first sentence before it, when it opens a session played live), then a few at a time (each
            # job overlaps levelling one line with speaking the next).
            if neural[0].key == self._opening:
                self._first_sentence(workers.pool("neural"), neural[0])
            self._submit(workers.pool("neural"), [neural[:1]] + [neural[i : i + 4] for i in range(1, len(neural), 4)])
        if fast and pooled:
            self._submit(workers.pool("fast"), [fast[i : i + _BATCH] for i in range(0, len(fast), _BATCH)])
        elif fast:
            threading.Thread(target=self._here, args=(fast,), daemon=True, name="speech").start()
        return self

    def _submit(self, pool, batches: list[list[Utterance]]) -> None:
        base = str(self.cache.base)
        for batch in batches:
            items = [(u.key, u.text, u.voice) for u in batch]
            try:
                fut = pool.submit(make_batch, base, items)
            except RuntimeError:  # the pool was shut down (the app is closing)
                self._fail(WorkFailed("speech synthesis was stopped", "run the command again"))
                return
            self._futures.append(fut)
            fut.add_done_callback(self._collected)

    def _first_sentence(self, pool, u: Utterance) -> None:
        try:
            fut = pool.submit(make_first_sentence, str(self.cache.base), u.key, u.text, u.voice)
        except RuntimeError:  # the pool was shut down: the whole line will say so
            return
        self._futures.append(fut)

        def arrived(done) -> None:
            pcm = None if done.cancelled() or done.exception() is not None else done.result()
            if pcm:
                with self._cond:
                    self.firsts[u.key] = pcm
                    self._cond.notify_all()

        fut.add_done_callback(arrived)

    def _here(self, items: list[Utterance]) -> None:
        """Make speech in this process (few lines of a fast engine), each line ready as soon as it is made."""
        me = os.getpid()
        try:
            synthesize_into(
                self.cache,
                [(u.key, u.text, u.voice) for u in items],
                each=lambda key, n: self._add([(key, n)], me),
                stop=self._cancelled.is_set,
            )
        except CompassionError as exc:
            self._fail(exc)

    def _collected(self, fut) -> None:
        import concurrent.futures as cf

        if fut.cancelled():
            return
        try:
            result = fut.result()
        except cf.process.BrokenProcessPool:
            self._fail(WorkFailed("a speech worker stopped unexpectedly", "try again"))
            return
        except BaseException as exc:  # a bug in a worker: say so rather than wait forever
            self._fail(WorkFailed(f"speech synthesis failed: {exc}", "try again"))
            return
        if result[0] == "error":
            _, kind, message, hint = result
            self._fail((WorkFailed if kind == "WorkFailed" else CompassionError)(message, hint))
            return
        self._add(result[1], result[2])

    def _add(self, pairs: list[tuple[str, int]], pid: int) -> None:
        with self._cond:
            for key, n in pairs:
                self.frames[key] = n
            self.workers.add(pid)
            self.done += len(pairs)
            done = self.done
            self._cond.notify_all()
        if self.progress:
            self.progress(done, self.total)

    def _fail(self, exc: CompassionError) -> None:
        with self._cond:
            if self._error is None:
                self._error = exc
            self._cond.notify_all()
        self.cancel()

    # -- using ----------------------------------------------------------------------------------------
    def ready(self, key: str) -> int | None:
        """The sample count of a ready utterance, or None while it is still being made."""
        return self.frames.get(key)

    def first(self, key: str) -> int | None:
        """The sample count of a line's first sentence made ahead of the line, or None."""
        pcm = self.firsts.get(key)
        return len(pcm) // 2 if pcm else None

    @property
    def failed(self) -> CompassionError | None:
        return self._error

    def wait(self, key: str, timeout: float | None = None, first: bool = False) -> int | None:
        """Wait for one utterance (or, with `first`, its first sentence); None on timeout. Raises the
        synthesis error if there was one."""
        with self._cond:
            self._cond.wait_for(
                lambda: (
                    key in self.frames
                    or (first and key in self.firsts)
                    or self._error is not None
                    or self._cancelled.is_set()
                ),
                timeout,
            )
            if self._error is not None:
                raise self._error
            return self.frames.get(key)

    def wait_all(self, cancel: threading.Event | None = None) -> dict[str, int]:
        """Wait until everything is made (or `cancel` is set: then raise Cancelled)."""
        self.start()
        with self._cond:
            while self.done < self.total and self._error is None:
                if (cancel is not None and cancel.is_set()) or self._cancelled.is_set():
                    self.cancel()
                    raise Cancelled()
                self._cond.wait(0.1)
            if self._error is not None:
                raise self._error
        return self.frames

    def cancel(self) -> None:
        """Drop what has not started; a line being made is finished (and cached) by its worker."""
        self._cancelled.set()
        for fut in self._futures:
            fut.cancel()
        with self._cond:
            self._cond.notify_all()


def ensure(
    cache: SpeechCache,
    utterances: Sequence[Utterance],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    parallel_min: int = PARALLEL_MIN,
) -> Synthesis:
    """Make sure every utterance is cached (blocking); returns the finished Synthesis."""
    job = Synthesis(cache, utterances, progress, parallel_min=parallel_min)
    job.wait_all(cancel)
    return job
