"""Your words: your own kind phrases (write, reorder, clear), and your letters (write, go back to them)."""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, ListItem, ListView

from player.app import words
from player.core.calendar import day_label
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter


class LetterItem(ListItem):
    def __init__(self, letter_id: int, label: str) -> None:
        super().__init__(Label(label))
        self.letter_id = letter_id


class WordsScreen(Screen[None]):
    """Shows and edits the phrases; opens the letter editor. Words are read and written off the UI thread."""

    MOVE = Binding.Group("Move phrase", compact=True)
    BINDINGS = [
        Binding("escape", "back", "Back", id="words_back"),
        Binding("ctrl+s", "save_phrases", "Save phrases", id="save_phrases"),
        Binding("ctrl+up", "move(-1)", "Move up", id="phrase_up", group=MOVE),
        Binding("ctrl+down", "move(1)", "Move down", id="phrase_down", group=MOVE),
    ]

    def __init__(self, focus: str = "phrases") -> None:
        super().__init__()
        self.start_with = focus
        self._loaded: list[str] = []
        self._saving = threading.Lock()
        self._asked = self._written = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="words"):
            yield Label("Your words", id="words-title")
            yield Label(
                "Kept on this computer only. The practices that use phrases speak yours; "
                "Hearing Your Letter reads your latest letter.",
                id="words-note",
            )
            yield Label(
                "Your phrases (up to six; Enter goes to the next; ctrl+up and ctrl+down move one)",
                classes="words-heading",
            )
            with Vertical(id="phrase-inputs"):
                for i in range(words.MAX_PHRASES):
                    yield Input(
                        placeholder=f"{i + 1}. "
                        + ("a kind phrase, like May I go gently" if i == 0 else "another, if you like"),
                        max_length=words.MAX_PHRASE_CHARS,
                        id=f"phrase-{i}",
                        classes="phrase",
                        select_on_focus=False,  # a key pressed in a phrase adds to it, never replaces it
                    )
            with Horizontal(classes="words-buttons"):
                yield Button("Save phrases", id="save-phrases", variant="primary")
                yield Button("Clear phrases", id="clear-phrases")
            yield Label("Your letters", classes="words-heading")
            with Horizontal(classes="words-buttons"):
                yield Button("Write a new letter", id="new-letter", variant="primary")
            yield ListView(id="letters")
            yield Label("", id="words-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        # The words are read in on_screen_resume, which also comes when the screen is first shown.
        if self.start_with == "letter":
            self.query_one("#new-letter", Button).focus()
        else:
            self.query_one("#phrase-0", Input).focus()

    @work(thread=True, exclusive=True, group="words")
    def load(self) -> None:
        try:
            found = words.phrases(self.shell.ctx)
            letters = words.letters(self.shell.ctx)
        except CompassionError as exc:
            self.shell.call_from_thread(self._status, exc.lines()[0])
            return
        self.shell.call_from_thread(self._show, found, letters)

    def _show(self, found: words.Phrases, letters: list) -> None:
        self._loaded = list(found.texts)
        for i, box in enumerate(self.query(".phrase").results(Input)):
            box.value = found.texts[i] if i < len(found.texts) else ""
        items = [
            LetterItem(x.id, f"{day_label(self.shell.ctx.day_of(x.written_at))}  ·  {len(x.text.split())} words")
            for x in reversed(letters)
        ]
        listing = self.query_one("#letters", ListView)
        listing.clear()
        listing.extend(items)
        if found.changed_at:
            self._status(f"Phrases last changed {day_label(self.shell.ctx.day_of(found.changed_at))}.")

    def _status(self, text: str) -> None:
        self.query_one("#words-status", Label).update(text)

    # -- phrases --------------------------------------------------------------------------------------
    def _typed(self) -> list[str]:
        return [box.value for box in self.query(".phrase").results(Input) if box.value.strip()]

    def action_save_phrases(self) -> None:
        self._save(self._typed())

    def _save(self, texts: list[str]) -> None:
        self._asked += 1
        self._write(texts, self._asked)

    @work(thread=True, group="words-save")  # never cancelled by a read of the words (as when coming back)
    def _write(self, texts: list[str], asked: int) -> None:
        """One save at a time, and never an older one after a newer one (two quick Enters)."""
        with self._saving:
            if asked < self._written:
                return
            self._written = asked
            self._write_now(texts)

    def _write_now(self, texts: list[str]) -> None:
        try:
            if texts:
                kept = words.set_phrases(self.shell.ctx, texts)
                message = (
                    "Kept your phrase. The practices will speak it."
                    if len(kept) == 1
                    else f"Kept your {len(kept)} phrases. The practices will speak them."
                )
            else:
                words.clear_phrases(self.shell.ctx)
                message = "No phrases kept; the practices use the course's own words."
        except CompassionError as exc:
            message = exc.message.capitalize() + "."
        else:
            self._loaded = list(texts)
        self.shell.call_from_thread(self._status, message)

    def action_move(self, step: int) -> None:
        boxes = list(self.query(".phrase").results(Input))
        focused = self.focused
        if focused not in boxes:
            return
        i = boxes.index(focused)
        j = i + step
        if 0 <= j < len(boxes):
            boxes[i].value, boxes[j].value = boxes[j].value, boxes[i].value
            boxes[j].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter keeps what is typed and moves to the next phrase, so each phrase stays on its own."""
        self.action_save_phrases()
        boxes = list(self.query(".phrase").results(Input))
        if event.input in boxes:
            at = boxes.index(event.input)
            empty = next((b for b in boxes[at + 1 :] if not b.value.strip()), None)
            (empty or boxes[min(at + 1, len(boxes) - 1)]).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-phrases":
            self.action_save_phrases()
        elif event.button.id == "clear-phrases":
            self._ask_to_clear()
        elif event.button.id == "new-letter":
            self._open_letter(None)

    def _ask_to_clear(self) -> None:
        from player.tui.screens.confirm import ConfirmScreen

        def chosen(go: bool | None) -> None:
            if go:
                for box in self.query(".phrase").results(Input):
                    box.value = ""
                self._save([])

        self.shell.push_screen(
            ConfirmScreen(
                "Clear your phrases from this computer? The practices will use the course's own words.",
                "Clear my phrases",
                "Keep them",
            ),
            chosen,
        )

    # -- letters --------------------------------------------------------------------------------------
    def on_list_view_selected(self, event: ListView.Selected) -> None:
        if isinstance(event.item, LetterItem):
            self._open_letter(event.item.letter_id)

    def _open_letter(self, letter_id: int | None) -> None:
        from player.tui.screens.letter import LetterScreen

        self.shell.push_screen(LetterScreen(letter_id))

    def on_screen_resume(self) -> None:
        """Shown, or back from a letter: read the words and letters (again)."""
        self.load()

    def action_back(self) -> None:
        """Back; phrases typed and not yet saved are kept first (or, if one cannot be kept, said why)."""
        typed = self._typed()
        if typed != self._loaded:
            try:
                words.check_phrases(typed) if typed else None
            except CompassionError as exc:
                self._status(exc.message.capitalize() + ". Fix it, or clear the phrase, then go back.")
                return
            self._save(typed)
        self.shell.pop_screen()
