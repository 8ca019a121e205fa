"""Making sure every utterance a timeline needs is in the cache, synthesizing misses in parallel.

Misses go to worker processes (one per core), each of which loads its engine once and writes finished
entries straight into the cache, so only keys and sample counts travel back.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from player.audio.loudness import level_speech
from player.audio.pcm import trim_silence
from player.errors import CompassionError, WorkFailed
from player.tts.base import SAMPLE_RATE, SpeakAs
from player.tts.cache import SpeechCache, cache_key
from player.tts.engines import get_engine

#: Below this many misses, starting processes costs more than it saves.
PARALLEL_MIN = 12
_BATCH = 6

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Utterance:
    text: str
    voice: SpeakAs
    key: str


def utterance(text: str, voice: SpeakAs) -> Utterance:
    """An utterance with its cache key (the engine's identity is part of it)."""
    return Utterance(text, voice, cache_key(text, voice, get_engine(voice.engine).identity()))


# -- worker side ------------------------------------------------------------------------------


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle; workers just stop when told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def synthesize_into(cache: SpeechCache, items: Sequence[tuple[str, str, SpeakAs]]) -> list[tuple[str, int]]:
    """Synthesize, trim and store each (key, text, voice); returns (key, samples) pairs."""
    out = []
    for key, text, voice in items:
        pcm = level_speech(get_engine(voice.engine).synthesize(text, voice), SAMPLE_RATE, voice.engine)
        pcm = trim_silence(pcm, SAMPLE_RATE)
        out.append((key, cache.write(key, pcm)))
    return out


def _worker_batch(base: str, items: list[tuple[str, str, SpeakAs]]):
    # Errors travel back as plain tuples: our exception types carry more than their args.
    try:
        return ("ok", synthesize_into(SpeechCache(Path(base)), items))
    except CompassionError as exc:
        return ("error", type(exc).__name__, exc.message, exc.hint)


# -- parent side --------------------------------------------------------------------------------


def start_method() -> str:
    """`fork` where nothing else runs yet (the command line); the TUI passes its own pool."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def make_pool(workers: int | None = None, method: str | None = None):
    """A pool of synthesis workers; create it before any threads (the TUI does so before Textual starts)."""
    import concurrent.futures as cf
    import multiprocessing

    n = workers or max(1, os.cpu_count() or 1)
    ctx = multiprocessing.get_context(method or start_method())
    return cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init)


def ensure(
    cache: SpeechCache,
    utterances: Sequence[Utterance],
    progress: Progress | None = None,
    pool=None,
) -> dict[str, int]:
    """Make sure every utterance is cached; returns key -> number of samples."""
    frames: dict[str, int] = {}
    todo: dict[str, Utterance] = {}
    for u in utterances:
        if u.key in frames or u.key in todo:
            continue
        n = cache.frames(u.key)
        if n is None:
            todo[u.key] = u
        else:
            frames[u.key] = n
    total = len(todo)
    if progress:
        progress(0, total)
    if not todo:
        return frames
    for engine in {u.voice.engine for u in todo.values()}:
        get_engine(engine).check_voice(next(u.voice.voice for u in todo.values() if u.voice.engine == engine))
    items = [(u.key, u.text, u.voice) for u in todo.values()]
    cores = os.cpu_count() or 1
    own_pool = None
    local: list = items
    if pool is None and len(items) >= PARALLEL_MIN and cores > 1:
        # This process is one of the workers: it takes its share while cores - 1 others do the rest.
        own_pool = pool = make_pool(cores - 1)
        share = len(items) // cores
        local, items = items[len(items) - share :], items[: len(items) - share]
    elif pool is not None:
        local = []
    counter = _Counter(total, progress)
    try:
        futures = _submit(pool, cache, items) if pool is not None else []
        for item in local:
            for key, n in synthesize_into(cache, [item]):
                frames[key] = n
            counter.add(1)
        _collect(futures, frames, counter)
    finally:
        if own_pool is not None:
            own_pool.shutdown(wait=True, cancel_futures=True)
    return frames


class _Counter:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def add(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)


def _submit(pool, cache: SpeechCache, items) -> list:
    batches = [items[i : i + _BATCH] for i in range(0, len(items), _BATCH)]
    return [pool.submit(_worker_batch, str(cache.base), batch) for batch in batches]


def _collect(futures: list, frames: dict[str, int], counter: _Counter) -> None:
    import concurrent.futures as cf

    try:
        for fut in cf.as_completed(futures):
            try:
                result = fut.result()
            except cf.process.BrokenProcessPool:
                raise WorkFailed("a speech worker stopped unexpectedly", "try again; if it repeats, run with fewer lines") from None
            if result[0] == "error":
                _, kind, message, hint = result
                raise (WorkFailed if kind == "WorkFailed" else CompassionError)(message, hint)
            for key, n in result[1]:
                frames[key] = n
            counter.add(len(result[1]))
    except BaseException:
        for fut in futures:
            fut.cancel()
        raise
