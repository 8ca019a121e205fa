"""Moves the wall clock of every Python process started with this folder on PYTHONPATH (`make
test-moved-clock`), so the suite shows it depends on no real date: COMPASSION_MOVE_CLOCK is
`DESTINATION@SET_AT` (Unix times). The clock shows DESTINATION at real time SET_AT and ticks on from there,
so that every process of one run agrees on the moved time."""

import os
import time

_setting = os.environ.get("COMPASSION_MOVE_CLOCK")
if _setting:
    import time_machine

    _destination, _, _set_at = _setting.partition("@")
    _now = float(_destination) + (time.time() - float(_set_at or time.time()))
    time_machine.travel(_now, tick=True).start()
