"""Choosing an unguided timer: how long, how often a bell rings, which bell, and a moment to settle first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from player.adapters.sound import sounds
from player.app import preferences, timer
from player.app.timer import TimerSpec
from player.core.errors import CompassionError

LENGTHS = (1, 2, 3, 5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180)
MOST_MINUTES = 180
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
        # It scrolls in a small window, so every choice and the Start button can always be reached.
        with VerticalScroll(id="timer-box", classes="dialog"):
            yield Label("Timer", classes="dialog-title")
            yield Label("Quiet practice with bells: no guidance, just time held for you.")
            with Horizontal(classes="timer-row"):
                yield Label("Length", classes="timer-label")
                yield Select(
                    [(timer.minutes_text(m), m) for m in _with(LENGTHS, last.minutes)],
                    value=last.minutes,
                    allow_blank=False,
                    id="timer-minutes",
                )
                yield Input(
                    placeholder=f"or 1-{MOST_MINUTES}",
                    type="number",
                    max_length=5,
                    id="timer-custom",
                )
            with Horizontal(classes="timer-row"):
                yield Label("Bells between", classes="timer-label")
                yield Select(
                    [("none", 0.0)] + [(timer.every_text(m), float(m)) for m in _with(INTERVALS, last.every) if m],
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
            with Horizontal(classes="timer-row"):
                yield Label("Ambience", classes="timer-label")
                names = [("none", ""), *((n, n) for n in preferences.ambience_names())]
                shown = names if last.ambience in (v for _, v in names) else [*names, (last.ambience, last.ambience)]
                yield Select(shown, value=last.ambience, allow_blank=False, id="timer-ambience")
            yield Label("", id="timer-total")
            yield Button("Start", id="timer-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#timer-minutes", Select).focus()
        self._describe()

    def _minutes(self) -> float | None:
        """The length asked for: the typed one when there is one, else the one chosen."""
        typed = self.query_one("#timer-custom", Input).value.strip()
        if typed:
            try:
                value = float(typed)
            except ValueError:
                return None
            return value if 1 <= value <= MOST_MINUTES else None
        chosen = self.query_one("#timer-minutes", Select).value
        return float(chosen) if isinstance(chosen, int | float) else None

    def _spec(self) -> TimerSpec | None:
        minutes = self._minutes()
        if minutes is None:
            return None
        return TimerSpec(
            minutes,
            float(self.query_one("#timer-every", Select).value),  # type: ignore[arg-type]
            str(self.query_one("#timer-bell", Select).value),
            int(self.query_one("#timer-prepare", Select).value),  # type: ignore[arg-type]
            str(self.query_one("#timer-ambience", Select).value),
        )

    def _describe(self) -> bool:
        """Say the sit's true length (what the bells hold, and the settling and ringing out around it), or,
        when the choices cannot be made together, what to change: every choice stays as it was made.
        Returns whether the timer can start."""
        spec = self._spec()
        total = self.query_one("#timer-total", Label)
        problem = ""
        if spec is None:
            problem = f"Type a length from 1 to {MOST_MINUTES} minutes, or clear it to use the list."
        else:
            try:
                total.update(timer.described(self.app.ctx, spec))  # type: ignore[attr-defined]
            except CompassionError as exc:
                problem = (
                    exc.message[:1].upper() + exc.message[1:] + (f". {exc.hint.capitalize()}." if exc.hint else ".")
                )
        if problem:
            total.update(problem)
        total.set_class(bool(problem), "problem")
        return not problem

    def on_select_changed(self, event: Select.Changed) -> None:
        self._describe()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._describe()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._start()

    def _start(self) -> None:
        """Start only what can be made; otherwise the words under the choices say what to change, and the
        choice most likely to change has the focus."""
        spec = self._spec()
        if spec is not None and self._describe():
            self.dismiss(spec)
            return
        self._describe()
        self.query_one("#timer-custom" if spec is None else "#timer-every").focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


def bell_names(user_dir) -> list[str]:
    return sorted(sounds.bells(user_dir))
