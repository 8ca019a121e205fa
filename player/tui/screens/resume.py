"""Opening an exercise that was stopped part-way: continue from there, or start again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from player.core.calendar import clock


class ResumeScreen(ModalScreen[bool | None]):
    """Dismissed with True (continue), False (start again) or None (back)."""

    BINDINGS = [
        Binding("escape", "cancel", "Back", id="resume_back"),
        Binding("q", "cancel", "Back", id="resume_q", show=False),
    ]

    def __init__(self, title: str, position_s: float) -> None:
        super().__init__()
        self.title_text = title
        self.position_s = position_s

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box", classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label("You stopped part-way last time. Both parts count together as one session.")
            yield OptionList(
                Option(f"Continue from {clock(self.position_s)}", id="continue"),
                Option("Start again", id="again"),
                id="resume-choices",
            )

    def on_mount(self) -> None:
        choices = self.query_one("#resume-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id == "continue")

    def action_cancel(self) -> None:
        self.dismiss(None)
