"""Whether the process that is playing a session is still alive, across app windows and commands.

A process is named by its host, the machine's boot and the process's id and start time, so that an id
reused by another program after a restart is never mistaken for the player.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path


def _start_ticks(pid: int) -> str | None:
    """When the process started (clock ticks since boot), from /proc; None where there is no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[19] if len(fields) > 19 else None


@functools.lru_cache(maxsize=1)
def _boot() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "-"


def owner() -> str:
    """This process, as written beside the sessions it is playing."""
    pid = os.getpid()
    return f"{socket.gethostname()}|{_boot()}|{pid}|{_start_ticks(pid) or '-'}"


def alive(name: str) -> bool:
    """Whether the process named by `owner()` is still running. A process on another machine, or one this
    machine cannot tell about, counts as alive (its session is closed by age instead)."""
    try:
        host, boot, pid_text, ticks = name.split("|")
        pid = int(pid_text)
    except ValueError:
        return False
    if host != socket.gethostname():
        return True
    if boot != _boot():
        return False  # the computer was restarted since
    if ticks != "-":
        return _start_ticks(pid) == ticks
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
