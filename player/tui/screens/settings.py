"""Settings: every choice the app offers, with Textual's own widgets. Each change is saved at once through
the one settings writer (off the UI thread), takes effect at once, and says where it was saved."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, Select, Switch

from player.app import preferences, voices
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.widgets.footer import KeysFooter

RATES = [("Each voice's usual pace", 0)] + [
    (f"{n} words a minute", n) for n in (110, 120, 130, 140, 150, 160, 180, 200, 220)
]
GOALS = [("Each course week's own goal", 0)] + [(f"{n} day{'s' if n > 1 else ''} a week", n) for n in range(1, 8)]
DAY_STARTS = [(f"{h:02d}:00", f"{h:02d}:00") for h in range(7)]
REST = [(f"{n} a week", n) for n in range(8)]
LEVELS = [(f"{n:+d} dB" if n else "as the practice sets it", n) for n in range(-12, 13, 3)]
VOLUMES = [(f"{n} %", n) for n in range(0, 101, 10)]
CACHE = [(f"{n} MB", n) for n in (100, 250, 500, 1000, 2000, 5000)]
ENGINES = [("Automatic (the neural voice when installed)", "auto"), *((t, n) for n, t in voices.TITLES.items())]


class SettingsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="settings_back"),
        Binding("p", "preview", "Hear the voice", id="settings_preview"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._preview: preferences.Preview | None = None

    def compose(self) -> ComposeResult:
        s = self.shell.ctx.settings
        yield Header()
        with VerticalScroll(id="settings"):
            yield Label("Settings", id="settings-title")
            yield Label("Each change is saved at once and used from now on.", id="settings-note")
            yield Label("Voice", classes="settings-heading")
            yield from self._row(
                "Speech engine", Select(ENGINES, value=s.voice_engine, allow_blank=False, id="voice_engine")
            )
            yield from self._row("Voice", Select([], prompt="the engine's own voice", id="voice"))
            yield from self._row(
                "Pace of speech", Select(_with(RATES, s.rate), value=s.rate, allow_blank=False, id="rate")
            )
            with Horizontal(classes="settings-row"):
                yield Label("", classes="settings-label")
                yield Button("Hear the voice (p)", id="preview")
            yield Label("", id="preview-note", classes="control-note")
            yield Label("Practice", classes="settings-heading")
            yield from self._row("Kindness check-ins", Switch(value=s.check_in, id="check_in"))
            yield from self._row("Show streaks", Switch(value=s.show_streaks, id="show_streaks"))
            yield from self._row("Speak my own words", Switch(value=s.my_words, id="my_words"))
            yield from self._row(
                "Weekly goal",
                Select(
                    _with(GOALS, s.weekly_goal_days), value=s.weekly_goal_days, allow_blank=False, id="weekly_goal_days"
                ),
            )
            yield from self._row(
                "A new day starts at",
                Select(
                    _with(DAY_STARTS, s.day_starts_at), value=s.day_starts_at, allow_blank=False, id="day_starts_at"
                ),
            )
            yield from self._row(
                "Rest days",
                Select(
                    _with(REST, s.rest_days_per_week),
                    value=s.rest_days_per_week,
                    allow_blank=False,
                    id="rest_days_per_week",
                ),
            )
            yield Label("Sound", classes="settings-heading")
            names = preferences.ambience_names()
            ambiences = [("Each practice's own", ""), ("None", "none")] + [
                (preferences.ambience_title(n), n) for n in names
            ]
            yield from self._row(
                "Ambience", Select(_with(ambiences, s.ambience), value=s.ambience, allow_blank=False, id="ambience")
            )
            yield from self._row(
                "Ambience level",
                Select(_with(LEVELS, s.ambience_level), value=s.ambience_level, allow_blank=False, id="ambience_level"),
            )
            yield from self._row(
                "Volume", Select(_with(VOLUMES, s.volume), value=s.volume, allow_blank=False, id="volume")
            )
            yield from self._row(
                "Space for speech",
                Select(_with(CACHE, s.cache_max_mb), value=s.cache_max_mb, allow_blank=False, id="cache_max_mb"),
            )
            yield Label("Reminder", classes="settings-heading")
            with Horizontal(classes="settings-row"):
                yield Label("Every day at", classes="settings-label")
                yield Input(s.reminder_time, placeholder="like 7:30, empty for none", max_length=5, id="reminder_time")
                yield Button("Save reminder", id="save-reminder")
            yield Label("", id="reminder_time-note", classes="control-note")
            yield Label("", id="settings-status")
        yield KeysFooter()

    @staticmethod
    def _row(label: str, widget) -> ComposeResult:
        with Horizontal(classes="settings-row"):
            yield Label(label, classes="settings-label")
            yield widget
        # What became of a change is said right under the control that changed.
        yield Label("", id=f"{widget.id}-note", classes="control-note")

    def _note(self, key: str, text: str, problem: bool = False) -> None:
        """Say what became of a change next to its control, and bring it into view."""
        found = self.query(f"#{key}-note")
        if not found:
            self._status(text)
            return
        note = found.first(Label)
        note.update(text)
        note.set_class(problem, "problem")
        note.display = True
        # Once the note has its place on screen (it was hidden), bring it into view.
        self.call_after_refresh(self.query_one("#settings", VerticalScroll).scroll_to_widget, note, animate=False)

    def on_mount(self) -> None:
        self.load_voices()
        self.query_one("#voice_engine", Select).focus()

    @work(thread=True, exclusive=True, group="voices")
    def load_voices(self) -> None:
        """The voices of the engine in use (listing espeak-ng's takes a moment)."""
        try:
            engine = self.shell.ctx.settings.voice_engine
            rows = voices.listing(self.shell.ctx, engine=None if engine == "auto" else engine)
        except CompassionError as exc:
            self.shell.call_from_thread(self._status, exc.lines()[0])
            return
        in_use = voices.engines(self.shell.ctx)[0]
        # The id too: it is what `compassion config` shows and what is saved (gmw/en for English, Britain).
        shown = [(f"{r.name} · {r.language} · {r.id}", r.id) for r in rows if r.engine == in_use]
        self.shell.call_from_thread(self._show_voices, shown)

    def _show_voices(self, shown: list[tuple[str, str]]) -> None:
        box = self.query_one("#voice", Select)
        chosen = self.shell.ctx.settings.voice
        with box.prevent(Select.Changed):
            box.set_options(_with(shown, chosen) if chosen else shown)
            box.value = chosen if chosen else Select.NULL

    # -- changes --------------------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        key = event.select.id or ""
        value = "" if event.value is Select.NULL else event.value
        if getattr(self.shell.ctx.settings, key, object()) != value:
            self.save(key, value)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        key = event.switch.id or ""
        if getattr(self.shell.ctx.settings, key, None) != event.value:
            self.save(key, event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.save("reminder_time", event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save-reminder":
            self.save("reminder_time", self.query_one("#reminder_time", Input).value.strip())
        elif event.button.id == "preview":
            self.action_preview()

    def save(self, key: str, value: Any) -> None:
        """Hand the change to the app's one settings writer (in order, off the UI thread)."""
        shell = self.shell

        def done(changed: preferences.Changed | None, error: CompassionError | None) -> None:
            if error is not None:
                shell.later(self._note, key, preferences.refusal(key, error), True)
                return
            assert changed is not None
            shell.later(self._note, key, changed.reminder_said or "Saved.")
            shell.later(self._status, changed.said)
            if key == "voice_engine":
                shell.later(self.load_voices)
            shell.later(shell.refresh_progress)

        shell.settings_writer.submit(key, value, done)

    def _status(self, text: str) -> None:
        self.query_one("#settings-status", Label).update(text)

    # -- the preview ----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="preview")
    def action_preview(self) -> None:
        self._stop_preview()
        self.shell.call_from_thread(self._note, "preview", "Making the preview…")
        try:
            self._preview = preferences.Preview(self.shell.ctx, self.shell.audio_backend())
        except CompassionError as exc:
            self.shell.call_from_thread(self._status, exc.lines()[0])
            return
        self.shell.call_from_thread(self._note, "preview", f"Playing: “{preferences.PREVIEW_WORDS}”")

    def _stop_preview(self) -> None:
        if self._preview is not None:
            self._preview.stop()
            self._preview = None

    def on_unmount(self) -> None:
        self._stop_preview()

    def action_back(self) -> None:
        self.shell.pop_screen()


def _with(options: list[tuple[str, Any]], value: Any) -> list[tuple[str, Any]]:
    """The options, with the value in force added when it is not one of them (set by hand, say)."""
    if value in (v for _, v in options) or value == "":
        return options
    return [*options, (str(value), value)]
