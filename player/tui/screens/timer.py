"""Choosing an unguided timer: how long, how often a bell rings, which bell, and a moment to settle first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select

from player.adapters.sound import sounds
from player.app.timer import TimerSpec

LENGTHS = (5, 10, 15, 20, 25, 30, 45, 60)
INTERVALS = (0, 1, 2, 3, 5, 10, 15)
PREPARES = (0, 10, 30, 60)


def _with(values: tuple[float, ...], current: float) -> list[float]:
    return sorted({*values, current})


class TimerScreen(ModalScreen[TimerSpec | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Back", id="timer_back"),
        Binding("q", "cancel", "Back", id="timer_q", show=False),
    ]

    def __init__(self, last: TimerSpec, bells: list[str]) -> None:
        super().__init__()
        self.last = last
        self.bells = bells

    def compose(self) -> ComposeResult:
        last = self.last
        with Vertical(id="timer-box", classes="dialog"):
            yield Label("Timer", classes="dialog-title")
            yield Label("Quiet practice with bells: no guidance, just time held for you.")
            with Horizontal(classes="timer-row"):
                yield Label("Length", classes="timer-label")
                yield Select(
                    [(f"{m:g} minutes", m) for m in _with(LENGTHS, last.minutes)],
                    value=last.minutes,
                    allow_blank=False,
                    id="timer-minutes",
                )
            with Horizontal(classes="timer-row"):
                yield Label("Bells between", classes="timer-label")
                yield Select(
                    [("none", 0.0)] + [(f"every {m:g} minutes", float(m)) for m in _with(INTERVALS, last.every) if m],
                    value=float(last.every),
                    allow_blank=False,
                    id="timer-every",
                )
            with Horizontal(classes="timer-row"):
                yield Label("Bell", classes="timer-label")
                bells = self.bells if last.bell in self.bells else [last.bell, *self.bells]
                yield Select([(b, b) for b in bells], value=last.bell, allow_blank=False, id="timer-bell")
            with Horizontal(classes="timer-row"):
                yield Label("Settle first", classes="timer-label")
                yield Select(
                    [("no", 0)] + [(f"{s} seconds", s) for s in _with(PREPARES, last.prepare) if s],
                    value=last.prepare,
                    allow_blank=False,
                    id="timer-prepare",
                )
            yield Button("Start", id="timer-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#timer-start", Button).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A shorter timer drops bells between that no longer fit, rather than refusing to start."""
        if event.select.id != "timer-minutes":
            return
        every = self.query_one("#timer-every", Select)
        length = event.value
        numbers = (int, float)
        if isinstance(every.value, numbers) and isinstance(length, numbers) and every.value >= length > 0:
            every.value = 0.0

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(
            TimerSpec(
                float(self.query_one("#timer-minutes", Select).value),  # type: ignore[arg-type]
                float(self.query_one("#timer-every", Select).value),  # type: ignore[arg-type]
                str(self.query_one("#timer-bell", Select).value),
                int(self.query_one("#timer-prepare", Select).value),  # type: ignore[arg-type]
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def bell_names(user_dir) -> list[str]:
    return sorted(sounds.bells(user_dir))
