"""The synthesis worker processes: started once per process, reused by every script, gone with their parent.

Workers are never forked from this process: they come from a forkserver (or are spawned where there is
none), a clean interpreter that holds no threads and no loaded model, so it does not matter what this
process has loaded or started by then. Two pools at most:

- `fast`: one worker per core, for engines that use one core each (espeak-ng);
- `neural`: a single worker, since the ONNX runtime already spreads one voice over every core, and a second
  copy of the model would only cost memory.

Each worker watches its parent and exits within a quarter of a second of the parent's death, even by
SIGKILL; the forkserver then sees its last client go and exits too, so nothing is left running.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time

_POOLS: dict[str, cf.ProcessPoolExecutor] = {}
_LOCK = threading.Lock()
WATCH_INTERVAL_S = 0.25


def start_method() -> str:
    """A start method that is safe whatever the parent holds: never plain fork."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def identity(pid: int) -> str | None:
    """Something that tells this process apart from a later one with the same id; None once it is gone."""
    if sys.platform.startswith("linux"):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # A zombie (killed, not yet reaped) is gone for our purposes; field 22 is the start time.
        return None if fields[0] in ("Z", "X") else fields[19]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return "alive"


def _watch(parent: int, parent_identity: str | None) -> None:
    while True:
        time.sleep(WATCH_INTERVAL_S)
        if identity(parent) != parent_identity:
            os._exit(0)


def _init(parent: int, parent_identity: str | None) -> None:
    # Ctrl-C is the parent's to handle; a worker only stops when told, or when its parent is gone.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Nothing a worker's libraries print may reach the terminal the app draws on; failures come back
    # as results instead.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    threading.Thread(target=_watch, args=(parent, parent_identity), daemon=True, name="parent-watch").start()


def _start_helpers(method: str) -> None:
    """Start multiprocessing's helper processes with their stderr on /dev/null.

    They take `sys.stderr` as theirs; inside the app, Textual has replaced it with an object that has no
    file descriptor (and the terminal's is where the app draws), so give them /dev/null instead.
    """
    from multiprocessing import forkserver, resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as quiet:
        sys.stderr = quiet
        try:
            resource_tracker.ensure_running()
            if method == "forkserver":
                forkserver.ensure_running()
        finally:
            sys.stderr = saved


def pool(kind: str) -> cf.ProcessPoolExecutor:
    """The process-wide pool of `kind` ("fast" or "neural"), created on first use and then reused."""
    with _LOCK:
        existing = _POOLS.get(kind)
        if existing is not None and not getattr(existing, "_broken", False):
            return existing
        size = 1 if kind == "neural" else max(1, os.cpu_count() or 1)
        _start_helpers(start_method())
        me = os.getpid()
        created = cf.ProcessPoolExecutor(
            max_workers=size,
            mp_context=multiprocessing.get_context(start_method()),
            initializer=_init,
            initargs=(me, identity(me)),
        )
        _POOLS[kind] = created
        return created


def worker_pids() -> set[int]:
    """Process ids of the running workers (for tests and benchmarks)."""
    with _LOCK:
        return {pid for p in _POOLS.values() for pid in getattr(p, "_processes", {}) or {}}


def shutdown(now: bool = False) -> None:
    """Stop every pool: queued work is dropped; running work is left to finish on its own, or with `now`
    (the process is about to exit) stopped at once, so exiting never waits for a line being made. A line
    cut short leaves nothing behind: cache entries are written to a temporary name and renamed."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for p in pools:
        workers = list((getattr(p, "_processes", None) or {}).values())
        p.shutdown(wait=False, cancel_futures=True)
        if now:
            for worker in workers:
                with contextlib.suppress(OSError, ValueError, AttributeError):
                    worker.terminate()


atexit.register(shutdown)
