"""The optional kindness check-in, before and after a session (0 to 10, always skippable)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Label

QUESTION = "How kind are you being to yourself right now?"
TEN_WAIT_S = 0.8  # after a typed 1, how long a 0 may follow to make 10


class CheckInScreen(ModalScreen[int | None]):
    """One compact row of answers, 0 to 10. A typed digit answers at once (1 waits a moment for a 0, to
    make 10); the arrows move along the row and Enter answers; Escape or s skips."""

    BINDINGS = [
        Binding("escape", "skip", "Skip", id="checkin_skip"),
        Binding("s", "skip", "Skip", id="checkin_s", show=False),
        Binding("left", "step(-1)", "Less", id="checkin_left", show=False),
        Binding("right", "step(1)", "More", id="checkin_right", show=False),
    ]

    def __init__(self, before: bool) -> None:
        super().__init__()
        self.before = before
        self._one: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin-box", classes="dialog"):
            yield Label("A quick check-in" if self.before else "And now?", classes="dialog-title")
            yield Label(f"{QUESTION} Any answer is fine, or skip it.")
            with Horizontal(id="moods"):
                for n in range(11):
                    yield Button(str(n), id=f"mood-{n}", classes="mood")
            with Horizontal(id="mood-ends"):
                yield Label("0 not at all", id="mood-low")
                yield Label("10 very kind", id="mood-high")
            yield Label("Type a number, or use ← → and Enter.  s or Escape skips.", id="mood-hint")

    def on_mount(self) -> None:
        self.query_one("#mood-5", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = event.button.id or ""
        if name.startswith("mood-"):
            self.dismiss(int(name.removeprefix("mood-")))

    def action_step(self, step: int) -> None:
        now = self.focused.id if self.focused is not None else None
        n = int(now.removeprefix("mood-")) if now and now.startswith("mood-") else 5
        self.query_one(f"#mood-{max(0, min(10, n + step))}", Button).focus()

    def on_key(self, event) -> None:
        if not (event.character and event.character.isdigit()):
            return
        event.stop()
        digit = int(event.character)
        if self._one is not None:
            self._one.stop()
            self._one = None
            self.dismiss(10 if digit == 0 else digit)
        elif digit == 1:
            self.query_one("#mood-1", Button).focus()
            self._one = self.set_timer(TEN_WAIT_S, self._answer_one)
        else:
            self.dismiss(digit)

    def _answer_one(self) -> None:
        self.dismiss(1)

    def action_skip(self) -> None:
        self.dismiss(None)
