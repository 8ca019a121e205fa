"""The end of a practice: kind words, and buttons for what comes next (Enter chooses the focused one)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from player.app.overview import WhatNext

#: After these practices, the closing offers to write: (button id, label, what it opens).
WRITE_AFTER = {
    "finding-your-phrases": ("write-phrases", "Write your phrases", "phrases"),
    "compassionate-letter": ("write-letter", "Write your letter", "letter"),
}


class Closing(Vertical):
    """Shown once a practice has ended. The buttons' presses bubble up to the screen."""

    def compose(self) -> ComposeResult:
        yield Static("", id="closing-text")
        with Horizontal(id="closing-buttons"):
            yield Button("Next", id="closing-next", variant="primary")
            for button_id, label, _ in WRITE_AFTER.values():
                yield Button(label, id=button_id, variant="primary", classes="write")
            yield Button("Back", id="closing-back")

    def show(self, exercise: str, what: WhatNext) -> None:
        """The words and the buttons for `exercise` just ended: what it counts for, what is left of the
        week, and the one practice to offer next (or to repeat)."""
        next_up = what.next_up
        lines = ["Well done. Thank you for giving yourself this time."]
        lines += [line for line in (what.counts, what.nudge) if line]
        lines.append("Enter chooses the highlighted button, or Escape to go back.")
        self.query_one("#closing-text", Static).update("\n".join(lines))
        offer = WRITE_AFTER.get(exercise)
        for button in self.query(".write").results(Button):
            button.display = offer is not None and button.id == offer[0]
        following = self.query_one("#closing-next", Button)
        following.display = next_up is not None
        following.label = f"{'Again' if what.repeat else 'Next'}: {next_up[1]}" if next_up else "Next"
        self.next_up = next_up[0] if next_up else None
        self.display = True
        first = f"#{offer[0]}" if offer else "#closing-next" if next_up else "#closing-back"
        self.query_one(first, Button).focus()

    @staticmethod
    def writes(button_id: str | None) -> str | None:
        """What a write button opens ("phrases" or "letter"), else None."""
        return next((what for b, _, what in WRITE_AFTER.values() if b == button_id), None)
