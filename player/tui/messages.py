"""Messages workers post back to the UI thread."""

from __future__ import annotations

from textual.message import Message


class ProgressLoaded(Message):
    """Fresh progress numbers (stats) were read from the database."""

    def __init__(self, stats) -> None:
        super().__init__()
        self.stats = stats


class StoreProblem(Message):
    """The progress file cannot be used; the app keeps working without it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
