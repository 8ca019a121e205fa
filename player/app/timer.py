"""The unguided timer: a quiet countdown, an opening bell, a bell every few minutes, and a closing bell.

It is a plan like any script's (bells and exact silences, no speech), so it plays, streams, takes ambience
and renders to every format through the same code, and is recorded like any practice (exercise `timer`).
Every bell starts on its time to the sample: the opening bell after `prepare` seconds, interval bells
`every` minutes after it, the closing bell `minutes` after it; the sound ends half a second after the
closing bell has rung out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from player.adapters.catalog import Entry
from player.adapters.sound import sounds
from player.adapters.speech.base import SpeakAs
from player.app import context, library
from player.app.session import Session
from player.core import ids
from player.core.calendar import clock
from player.core.errors import CompassionError
from player.core.script.checks import number_in, whole_in
from player.core.script.model import BellSound, Gap, Pause, Script
from player.core.timeline import SAMPLE_RATE, Cue, Margins, Sized

TIMER_ID = ids.TIMER_ID
TAIL_S = 0.5
MAX_MINUTES = 24 * 60
MAX_PREPARE_S = 600


@dataclass(frozen=True)
class TimerSpec:
    minutes: float
    every: float = 0.0  # minutes between interval bells; 0 for none
    bell: str = "bowl"
    prepare: int = 0  # seconds of quiet before the opening bell
    ambience: str = ""  # an ambience under the sit ("" for none)

    @property
    def title(self) -> str:
        bells = f", a bell {every_text(self.every)}" if self.every else ""
        return f"Timer, {minutes_text(self.minutes)}{bells}"

    def bell_times(self) -> list[float]:
        """When each bell starts, in seconds from the beginning: opening, intervals, closing."""
        start, end = float(self.prepare), self.prepare + self.minutes * 60
        times = [start]
        if self.every:
            k = 1
            while start + k * self.every * 60 < end - 1e-6:
                times.append(start + k * self.every * 60)
                k += 1
        return [*times, end]


def described(ctx: context.Context, spec: TimerSpec) -> str:
    """The sit's true length in plain words: the time between the bells, and what comes around it. A timer
    that cannot be made as asked raises the CompassionError that says what to change."""
    frames = len(sounds.load_bell(spec.bell, ctx.catalog.user_dir)) // 2
    check(spec, frames)
    ring = frames / SAMPLE_RATE + TAIL_S
    total = spec.prepare + spec.minutes * 60 + ring
    around = (
        [f"{spec.prepare} s to settle", f"{ring:.0f} s of ringing out"]
        if spec.prepare
        else [f"{ring:.0f} s of ringing out"]
    )
    return (
        f"{minutes_text(spec.minutes).capitalize()} between the opening and closing bells; "
        f"{clock(total)} in all, with {' and '.join(around)}."
    )


def countdown(spec: TimerSpec, position: float) -> str | None:
    """While settling before the opening bell: the seconds left, for the screen; else None."""
    if position >= spec.prepare:
        return None
    left = math.ceil(spec.prepare - position)
    return f"Settle in. The opening bell rings in {left} second{'s' if left != 1 else ''}."


def every_text(minutes: float) -> str:
    """ "every minute", "every 5 minutes"."""
    return "every minute" if minutes == 1 else f"every {minutes:g} minutes"


def minutes_text(n: float) -> str:
    """ "1 minute", "20 minutes"."""
    return f"{n:g} minute" if n == 1 else f"{n:g} minutes"


def check(spec: TimerSpec, bell_frames: int | None = None) -> None:
    """Raise a CompassionError (exit 2) saying what to change when the timer cannot be made as asked."""
    if not number_in(spec.minutes, 0.1, MAX_MINUTES):
        raise CompassionError(f"a timer runs from 0.1 to {MAX_MINUTES} minutes", "give MINUTES, like 20")
    if spec.every and not number_in(spec.every, 0.1, spec.minutes):
        raise CompassionError(
            f"a bell every {minutes_text(spec.every)} does not fit in a timer of {minutes_text(spec.minutes)}",
            "choose bells closer together, none between, or a longer timer",
        )
    if not whole_in(spec.prepare, 0, MAX_PREPARE_S):
        raise CompassionError(
            f"the quiet before the opening bell is a whole number of seconds from 0 to {MAX_PREPARE_S}"
        )
    if bell_frames is not None:
        times = spec.bell_times()
        gap = min(b - a for a, b in zip(times, times[1:]))
        if bell_frames / SAMPLE_RATE >= gap:
            raise CompassionError(
                f"the bell '{spec.bell}' rings for {bell_frames / SAMPLE_RATE:.0f} seconds, as long as the time "
                "between bells",
                "choose a shorter bell, or bells further apart",
            )


def cues(spec: TimerSpec) -> list[Cue]:
    """Captions for the bells, shown as each one rings."""
    times = spec.bell_times()
    out = []
    for i, at in enumerate(times):
        if i == 0:
            text = "Opening bell"
        elif i == len(times) - 1:
            text = "Closing bell"
        else:
            text = f"Bell, {minutes_text((at - times[0]) / 60)} in"
        out.append(Cue(at, at + 2.0, text))
    return out


def entry() -> Entry:
    return Entry(ids.timer(), Path(TIMER_ID))


def plan(ctx: context.Context, spec: TimerSpec) -> library.Plan:
    """The timer as a plan: bells at their times, exact silence between, the countdown as its lead."""
    user_dir = ctx.catalog.user_dir
    frames = len(sounds.load_bell(spec.bell, user_dir)) // 2
    check(spec, frames)
    times = spec.bell_times()
    bell = BellSound(spec.bell)
    items: list[Sized] = []
    for i, at in enumerate(times):
        items.append(Sized(bell, frames))
        if i + 1 < len(times):
            items.append(Sized(Gap(Pause.fixed(times[i + 1] - at - frames / SAMPLE_RATE))))
    script = Script(id=TIMER_ID, title=spec.title, steps=(), path=Path(TIMER_ID), kind="timer")
    voice = SpeakAs("none", None, 0, 1.0)
    return library.Plan(script, voice, items, user_dir, margins=Margins(float(spec.prepare), TAIL_S, countdown=True))


def remember(ctx: context.Context, spec: TimerSpec) -> None:
    """Keep the choices for next time: only the timer's own settings change."""
    from player.adapters import settings

    chosen = {
        "timer_minutes": spec.minutes,
        "timer_every": spec.every,
        "timer_bell": spec.bell,
        "timer_prepare": spec.prepare,
        "timer_ambience": spec.ambience,
    }
    ctx.settings, _ = settings.change(ctx.config_dir, chosen)


def last_used(ctx: context.Context) -> TimerSpec:
    """The app's last choices; an interval that no longer fits the length is dropped, not refused."""
    s = ctx.settings
    every = s.timer_every if s.timer_every < s.timer_minutes else 0.0
    return TimerSpec(s.timer_minutes, every, s.timer_bell, s.timer_prepare, s.timer_ambience)


def open_session(ctx: context.Context, spec: TimerSpec, background: str | None = None) -> Session:
    """A timer ready to play (nothing needs making: it starts at once)."""
    p = plan(ctx, spec)
    bed = library.resolve_background(p.script, background or spec.ambience or "none")
    return Session(ctx, entry(), p.script, p, spec.minutes, bed)


def render(ctx: context.Context, spec: TimerSpec, out: Path, fmt: str, background: str | None = None) -> Path:
    """Write the timer to an audio file (no captions: there are no words)."""
    from player.adapters.sound import export

    p = plan(ctx, spec)
    bed = library.resolve_background(p.script, background)
    if fmt != "wav":
        export.require_ffmpeg(fmt)
    timeline = p.fit(None)
    tags = export.Tags(title=spec.title, album="Timer")
    return export.write(timeline, library.clip_source(ctx, p.user_sounds), out, fmt, tags, None, bed)
