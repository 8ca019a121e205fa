"""Writing your letter: it is saved as you type, and however the screen or the app is left, nothing typed
is lost. Inside it every letter key is a letter (q included); ctrl+s saves, Escape saves and goes back,
ctrl+q saves and quits."""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Header, Label, TextArea

from player.app import words
from player.core.calendar import day_label
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter

#: Typing pauses this long, and the letter is saved.
SAVE_AFTER_S = 1.0


class LetterScreen(Screen[None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="letter_save"),
        Binding("escape", "save_and_leave", "Save and go back", id="letter_back"),
    ]

    def __init__(self, letter_id: int | None = None) -> None:
        super().__init__()
        #: The letter being written (None until a new one is first saved).
        self.letter_id = letter_id
        self._saved_text = ""
        #: One save at a time, from the autosave worker or the screen itself: a new letter is made once,
        #: at its first save, and every later save changes that one.
        self._saving = threading.Lock()
        self._save_timer: Timer | None = None
        self._area = TextArea(id="letter-text", soft_wrap=True, show_line_numbers=False)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="letter"):
            yield Label("Your letter", id="letter-title")
            yield Label(
                "Write as your compassionate self, to the part of you that is struggling. "
                "It is saved as you type, on this computer only.",
                id="letter-note",
            )
            yield self._area
            yield Label("", id="letter-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        area = self._area
        area.focus()
        if self.letter_id is not None:
            found = next((x for x in words.letters(self.shell.ctx) if x.id == self.letter_id), None)
            if found is not None:
                area.load_text(found.text)
                self._saved_text = found.text
                self._status(f"Written {day_label(self.shell.ctx.day_of(found.written_at))}.")
        else:
            self._status("A new letter, dated today.")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_AFTER_S, self._save_in_background)
        length = len(event.text_area.text.strip())
        if length > words.MAX_LETTER_CHARS:
            self._status(
                f"{length:,} characters: a letter is at most {words.MAX_LETTER_CHARS:,}, so this is not saved yet."
            )

    def _save_in_background(self) -> None:
        self._save_worker(self._area.text)

    @work(thread=True, exclusive=True, group="letter")
    def _save_worker(self, text: str) -> None:
        message = self._save(text)
        if message:
            self.shell.call_from_thread(self._status, message)

    def _save(self, text: str) -> str | None:
        """Keep the letter as it stands (once; again only when it changed). A message, or None."""
        with self._saving:
            if text.strip() == self._saved_text.strip() or not text.strip():
                return None
            try:
                self.letter_id = words.save_letter(self.shell.ctx, text, self.letter_id)
            except CompassionError as exc:
                return exc.message.capitalize() + "."
            self._saved_text = text
            return f"Saved at {self.shell.ctx.now():%H:%M}."

    def keep_now(self) -> None:
        """The screen or the app is closing: save what is typed, here and now."""
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save(self._area.text)

    def action_save(self) -> None:
        message = self._save(self._area.text)
        self._status(message or "Saved.")

    def action_save_and_leave(self) -> None:
        self.keep_now()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.keep_now()

    def _status(self, text: str) -> None:
        self.query_one("#letter-status", Label).update(text)
