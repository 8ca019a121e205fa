"""The TUI driven like a user would, with Textual's pilot: every screen and key."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from player.adapters import settings as settings_file
from player.adapters.playback.clocked import SilentBackend
from player.adapters.playback.player import PlaybackState
from player.app import context, library, practice, progress, recording
from player.core.session import Session
from player.tui.app import CompassionApp
from player.tui.screens.checkin import CheckInScreen
from player.tui.screens.help import HelpScreen
from player.tui.screens.home import HomeScreen
from player.tui.screens.length import LengthScreen
from player.tui.screens.player import PlayerScreen
from player.tui.screens.stats import StatsScreen
from player.tui.screens.week import WeekScreen

TODAY = date(2026, 11, 24)
TZ = timezone(timedelta(hours=1))
SHORT = 'title = "Tiny"\nkind = "informal"\n[[step]]\nsay = "Hello."\npause = 0.5\n[[step]]\nsay = "Goodbye."\n'


def make_app(home, *, check_in=False, show_streaks=True, sessions=(), notice_seen=True, **settings):
    ctx = context.open_context(home)
    chosen = {"check_in": check_in, "show_streaks": show_streaks, **settings}
    ctx.settings, _ = settings_file.change(ctx.config_dir, chosen)
    if sessions:
        rec = recording.SqliteRecorder(ctx)
        for s in sessions:
            rec.save(s, final=True)
        rec.close()
    if notice_seen:
        from player.adapters import first_run

        first_run.mark_seen(home)
    return CompassionApp(ctx, backend=SilentBackend(), notice=None)


def done(exercise: str, day: int, week: int = 1) -> Session:
    return Session(exercise, datetime(2026, 11, day, 8, tzinfo=TZ), 120, 120, "app", week)


async def settle(pilot, app):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition, timeout=20.0):
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the screen never got there")


async def open_target(pilot, app, target: str) -> None:
    """Open an exercise as the palette does; the next screen comes once the progress file was read."""
    before = app.screen
    app.open_target(target)
    await wait_for(pilot, lambda: app.screen is not before)


def text_of(app, selector) -> str:
    return str(app.screen.query_one(selector).render())


async def test_home_shows_course_weeks_and_focuses_the_current_week(home):
    sessions = [
        done("soothing-rhythm-breathing", 16),
        done("three-systems-check-in", 17),
        done("soothing-touch", 18),
        done("soothing-touch", 19),
    ]
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        assert "Eight Weeks of Compassionate Mind" in text_of(app, "#course-title")
        weeks = app.screen.query_one("#weeks")
        assert weeks.index == 1  # week 2 is current: week 1 was completed
        assert "done" in str(app.screen.query_one("#week-1").line.render())
        assert "current" in str(app.screen.query_one("#week-2").line.render())
        assert str(app.screen.query_one("#week-3").line.render()).endswith("locked · opens after week 2")
        assert "Welcome back" in text_of(app, "#greeting")


async def test_first_run_notice_is_dismissible_and_never_blocks_keys(home):
    app = make_app(home, notice_seen=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert "self-help, not therapy" in text_of(app, "#notice")
        await pilot.press("enter")  # keys work with the notice showing
        assert isinstance(app.screen, WeekScreen)
        await pilot.press("escape", "d")
        await pilot.pause()
        assert not app.screen.query("#notice")
    again = make_app(home, notice_seen=False)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot, again)
        assert not again.screen.query("#notice")


async def test_week_screen_lists_exercises_with_lengths_and_done_marks(home):
    app = make_app(home, sessions=[done("soothing-touch", 23)])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, WeekScreen)
        assert "Slow the body down" in text_of(app, "#intention")
        items = {i.entry.id: i for i in screen.query("ExerciseItem")}
        assert list(items) == ["soothing-rhythm-breathing", "three-systems-check-in", "soothing-touch"]
        assert "core" in str(items["soothing-rhythm-breathing"].meta.render())
        assert " to " in str(items["soothing-rhythm-breathing"].meta.render())
        assert "about" not in str(items["soothing-rhythm-breathing"].meta.render())  # measured, not estimated
        assert str(items["soothing-touch"].mark.render()) == "✓"
        assert "1 of 4 practice days" in text_of(app, "#week-progress")
        await pilot.press("q")
        assert isinstance(app.screen, HomeScreen)


async def test_choosing_a_length_then_playing_with_every_key(home):
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("enter")  # the core practice: elastic, so a length is offered
        await pilot.pause()
        assert isinstance(app.screen, LengthScreen)
        offered = app.screen.choices
        assert offered[0] == pytest.approx(11.1, abs=0.3) and 15.0 in offered and offered[-1] >= 19
        await pilot.press("enter")  # the middle choice is highlighted
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        assert screen.asked.minutes == 15.0
        await wait_for(pilot, lambda: screen.practice is not None)
        run = screen.practice
        speech = run.session.synthesis
        await wait_for(pilot, lambda: speech.done == speech.total)  # a seek lands only where speech is made
        assert run.session.duration == pytest.approx(15 * 60, abs=1)
        await pilot.press("space")
        assert run.player.state is PlaybackState.PAUSED
        paused_at = run.player.position
        await pilot.press("right")
        assert run.player.position == pytest.approx(paused_at + 10, abs=0.01)
        await pilot.press("left", "left")
        assert run.player.position == pytest.approx(max(0, paused_at - 10), abs=0.01)
        cues = run.captions.cues
        run.player.seek(0)
        await pilot.press("down")  # next line: lands exactly on the start of a spoken line
        assert run.player.position == pytest.approx(cues[0].start, abs=0.01)
        await pilot.press("down", "down")
        assert run.player.position == pytest.approx(cues[2].start, abs=0.01)
        assert text_of(app, "#current-line") == cues[2].text
        await pilot.press("up")  # previous line, from the start of a line: the one before
        assert run.player.position == pytest.approx(cues[1].start, abs=0.01)
        assert text_of(app, "#current-line") == cues[1].text
        run.player.seek(cues[1].start + 1.5)
        await pilot.press("up")  # a second and a half into a line: still the one before, as media players do
        assert run.player.position == pytest.approx(cues[0].start, abs=0.01)
        assert cues[1].start + 2.5 < cues[2].start
        run.player.seek(cues[1].start + 2.5)
        await pilot.press("up")  # later into a line (or the quiet after it): that line again
        assert run.player.position == pytest.approx(cues[1].start, abs=0.01)
        await pilot.press("space")
        assert run.player.state is PlaybackState.PLAYING
        await wait_for(pilot, lambda: run.player.listened > 1.2)  # heard for more than a second
        await pilot.press("q")  # stops at once, asks nothing
        await settle(pilot, app)
        assert isinstance(app.screen, WeekScreen)
        await wait_for(pilot, lambda: any("Kept as a part: " in n.message for n in app._notifications))
        said = next(n.message for n in app._notifications if "Kept as a part" in n.message)
        assert " of 15:" in said and "Continue is offered next time" in said
    rows = progress.history(context.open_context(home))
    assert len(rows) == 1 and not rows[0].completed_ and rows[0].minutes_variant == 15.0
    assert 1.0 < rows[0].listened_s < 30  # what was heard, not where the skips went


async def test_caption_shows_the_line_being_spoken(home):
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "soothing-touch")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        run = screen.practice
        speech = run.session.synthesis
        await wait_for(pilot, lambda: speech.done == speech.total)  # a seek lands only where speech is made
        run.player.pause()
        cue = run.captions.cues[2]
        run.player.seek(cue.start + 0.5)
        screen.refresh_position()
        await pilot.pause()
        assert text_of(app, "#current-line") == cue.text
        assert text_of(app, "#prev-line") == run.captions.cues[1].text
        assert text_of(app, "#next-line") == run.captions.cues[3].text
        assert "paused" in text_of(app, "#time")


async def test_a_finished_session_is_recorded_with_check_ins_and_a_warm_close(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "tiny.toml").write_text(SHORT)
    app = make_app(home, check_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "tiny")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("6")
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        await wait_for(pilot, lambda: isinstance(app.screen, CheckInScreen), timeout=30)
        await pilot.press("escape")  # skipping the after check-in is fine
        await wait_for(pilot, lambda: screen.query_one("#closing").display)
        assert "Thank you for giving yourself this time" in str(screen.query_one("#closing-text").render())
        assert "Enter chooses the highlighted button, or Escape to go back" in str(
            screen.query_one("#closing-text").render()
        )
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "closing-next")
        # the week's first practice not done yet
        assert str(app.focused.label) == "Next: Soothing Rhythm Breathing"
        await pilot.press("tab")
        assert app.focused.id == "closing-back"
        await pilot.press("enter")  # Enter does what the words say: the highlighted button, Back
        await settle(pilot, app)
        assert not isinstance(app.screen, PlayerScreen)
    rows = progress.history(context.open_context(home))
    assert [(r.exercise_id, r.completed_, r.mood_before, r.mood_after) for r in rows] == [("mine:tiny", True, 6, None)]


async def test_next_on_the_closing_screen_opens_the_weeks_next_practice_not_done_yet(home):
    from player.tui.screens.length import LengthScreen

    sessions = [done("soothing-rhythm-breathing", 23)]
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "tiny.toml").write_text(SHORT)
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "tiny")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#closing").display, timeout=30)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "closing-next")
        assert str(app.focused.label) == "Next: Three Systems Check-In"
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PlayerScreen) or app.screen is not screen)
        await settle(pilot, app)
        shown = app.screen
        assert isinstance(shown, PlayerScreen | LengthScreen)
        assert "Three Systems" in (shown.title_text if isinstance(shown, PlayerScreen) else str(shown.title_text))


async def test_stats_screen_shows_streaks_unless_hidden(home):
    sessions = [done("soothing-touch", d) for d in (20, 21, 22, 23)]
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, StatsScreen)
        numbers = text_of(app, "#numbers")
        assert "Days in a row      4" in numbers and "Practice days      4" in numbers
        assert "Practice strength  19 %" in numbers  # four days from nothing: 1 - 0.948 to the 4th
        assert "█" in text_of(app, "#heatmap") or "▪" in text_of(app, "#heatmap")
        assert "Week 1" in text_of(app, "#week-table")
    hidden = make_app(home, show_streaks=False)
    async with hidden.run_test(size=(100, 30)) as pilot:
        await settle(pilot, hidden)
        assert "in a row" not in text_of(hidden, "#summary")
        await pilot.press("s")
        await settle(pilot, hidden)
        assert "Days in a row" not in text_of(hidden, "#numbers")
        assert "Practice strength" not in text_of(hidden, "#numbers")  # hidden with the streaks


async def test_help_palette_and_quitting(home):
    from textual.command import CommandPalette

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert "ctrl+q" in str(app.screen.query_one("Markdown").source)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+p")  # the command palette, opened the way a person does
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"safe place")
        await wait_for(
            pilot,
            lambda: "Play A Safe Place" in " ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options),
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LengthScreen))
        assert app.screen.title_text == "A Safe Place"
        await pilot.press("ctrl+q")  # quits from anywhere, even from a dialog
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_q_quits_from_home(home):
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_broken_user_script_is_listed_not_fatal(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "broken.toml").write_text('title = "B"\n[[step]]\nsay = ""\n')
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        weeks = app.screen.query_one("#weeks")
        weeks.index = list(weeks.children).index(app.screen.query_one("#my-scripts"))
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, WeekScreen)
        item = app.screen.query_one("#ex-mine-broken")
        assert "broken.toml:3: error: say in step 1 is empty" in str(item.meta.render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WeekScreen)  # nothing crashed; the error was shown


async def test_the_app_still_opens_when_progress_cannot_be_read(home):
    import sqlite3

    home.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(home / "progress.db")
    conn.executescript("CREATE TABLE future (x); PRAGMA user_version = 99;")
    conn.close()
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        assert "Progress cannot be read right now" in text_of(app, "#summary")
        assert "newer version" in app.store_problem
        await pilot.press("enter")
        assert isinstance(app.screen, WeekScreen)  # the course is still there to practise


async def test_heatmap_month_labels_sit_over_the_first_week_of_their_month(home):
    sessions = [done("soothing-touch", d) for d in (2, 9, 16, 23)]
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        rows = text_of(app, "#heatmap").splitlines()
    labels, grid = rows[0], rows[1:8]
    monday_row = grid[0]
    first_monday = TODAY - timedelta(days=TODAY.weekday()) - timedelta(weeks=11)
    import re

    found = [(m.group(), m.start()) for m in re.finditer(r"[A-Z][a-z]{2}", labels)]
    assert [name for name, _ in found] == ["Sep", "Oct", "Nov"]
    for name, col in found:
        assert monday_row[col] in "·▪■█", (name, col, monday_row)  # right above a week's column
        week = (col - 4) // 2
        monday = first_monday + timedelta(weeks=week)
        assert monday.strftime("%b") == name and monday.day <= 7, (name, monday)
    assert [col for _, col in found] == [4, 12, 20]  # 7 Sep, 5 Oct, 2 Nov


async def test_ctrl_q_in_the_middle_of_a_session_keeps_what_was_heard(home):
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "soothing-touch")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None and screen.practice.player.position > 1.5)
        await pilot.press("ctrl+q")
        await pilot.pause()
    rows = progress.history(context.open_context(home))
    assert len(rows) == 1 and rows[0].exercise_id == "soothing-touch" and not rows[0].completed_
    assert 1.5 < rows[0].listened_s < 10


async def test_check_in_answers_by_digit_ten_by_one_then_zero_or_by_arrows(home):
    answers = []
    app = make_app(home, check_in=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        for keys in (("1", "0"), ("7",), ("right", "right", "enter"), ("left", "enter"), ("s",)):
            app.push_screen(CheckInScreen(before=True), answers.append)
            await pilot.pause()
            assert "Type a number" in text_of(app, "#mood-hint")
            await pilot.press(*keys)
            await pilot.pause()
        app.push_screen(CheckInScreen(before=True), answers.append)
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert len(answers) == 5  # a 1 waits a moment for a 0 ...
        await wait_for(pilot, lambda: len(answers) == 6, timeout=3)
    assert answers == [10, 7, 7, 4, None, 1]  # ... then answers 1; the row starts at 5


async def test_ctrl_q_at_the_check_in_after_a_session_keeps_it_as_completed(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "tiny.toml").write_text(SHORT)
    app = make_app(home, check_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "tiny")
        await pilot.pause()
        await pilot.press("4")
        await wait_for(pilot, lambda: isinstance(app.screen, CheckInScreen) and not app.screen.before, timeout=30)
        await pilot.press("ctrl+q")
        await pilot.pause()
    rows = progress.history(context.open_context(home))
    assert [(r.exercise_id, r.completed_, r.mood_before) for r in rows] == [("mine:tiny", True, 4)]


async def test_leaving_while_speech_is_being_made_stops_making_it(fresh_cache, home, tmp_path):
    # A long script of the user's own with a length asked for: its speech is made first, with progress.
    lines = "".join(
        f'[[step]]\nsay = "Line {i} of a long practice, said slowly and kindly."\npause = [1, 3]\n' for i in range(400)
    )
    script = tmp_path / "long.toml"
    script.write_text('title = "Long"\n' + lines)
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        entry, loaded = library.resolve_script(app.ctx, str(script))
        app.start_practice(app.asking(entry, loaded, 20.0), clamp=False)
        await pilot.pause()
        screen = app.screen
        made = lambda: len(list((fresh_cache / "speech").rglob("*.wav")))  # noqa: E731
        await wait_for(pilot, lambda: made() >= 1, timeout=60)  # provably making speech
        assert "Preparing speech" in text_of(app, "#preparing-label")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PlayerScreen)
        at_leave = made()
        await pilot.pause(1.5)
        later = made()
    assert at_leave < 400 and later < 400
    assert later - at_leave <= 2 * 6 + 2  # at most what the workers had in hand
    assert screen.practice is None


async def test_engine_and_background_from_the_command_line_apply_in_the_app(home):
    ctx = context.open_context(home)
    ctx.settings, _ = settings_file.change(ctx.config_dir, {"check_in": False})
    from player.adapters import first_run

    first_run.mark_seen(home)
    asked = practice.request(ctx, "soothing-touch", engine="pyttsx3", background="rain")
    app = CompassionApp(ctx, backend=SilentBackend(), notice=None, play=asked)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen) and app.screen.practice is not None)
        session = app.screen.practice.session
        assert session.plan.voice.engine == "pyttsx3"
        assert session.mixer is not None  # the rain is under the session


def test_minutes_out_of_range_is_refused_the_same_with_or_without_the_tui(home):
    from tests.conftest import run_cli

    for extra in ([], ["--no-tui"]):
        r = run_cli("play", "safe-place", "--minutes", "60", "--no-audio", *extra)
        assert r.returncode == 2, (extra, r.stderr)
        assert "safe-place can run between" in r.stderr


async def test_r_on_the_progress_screen_plans_today_as_a_rest_day_and_back(home):
    sessions = [done("soothing-touch", d) for d in (21, 22, 23)]
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        await pilot.press("r")
        await settle(pilot, app)
        assert "Rest this week     Tue 24 Nov" in text_of(app, "#numbers")
        assert "Days in a row      3" in text_of(app, "#numbers")  # carried, not counted
        assert "◦" in text_of(app, "#heatmap").splitlines()[2]  # Tuesday's row shows the rest day
        await pilot.press("r")
        await settle(pilot, app)
        assert "Rest this week" not in text_of(app, "#numbers")


async def test_the_timer_from_home_remembers_its_choices_and_is_recorded(home):
    from player.app.timer import TimerSpec
    from player.tui.screens.timer import TimerScreen

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        weeks = app.screen.query_one("#weeks")
        weeks.index = len(weeks.children) - 1  # the Timer line, after the weeks
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TimerScreen))
        assert app.screen.query_one("#timer-minutes").value == 10.0  # the first-time default
        app.screen.query_one("#timer-minutes").value = 20.0
        app.screen.query_one("#timer-every").value = 5.0
        app.screen.query_one("#timer-bell").value = "chime"
        await pilot.click("#timer-start")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen) and app.screen.practice is not None)
        screen = app.screen
        assert "Timer, 20 minutes, a bell every 5 minutes" in text_of(app, "#ex-title")
        assert screen.practice.session.duration == pytest.approx(10 + 20 * 60 + 4, abs=2)  # settle, bells ringing out
        assert text_of(app, "#next-line") == "Opening bell"
        await pilot.press("escape")
        await settle(pilot, app)
    assert app.ctx.settings.timer_minutes == 20.0 and app.ctx.settings.timer_bell == "chime"
    saved = context.open_context(home).settings  # read back from the settings file
    assert (saved.timer_minutes, saved.timer_every, saved.timer_bell) == (20.0, 5.0, "chime")
    short = make_app(home)
    async with short.run_test(size=(100, 30)) as pilot:
        await settle(pilot, short)
        short.start_timer(TimerSpec(0.1, 0, "chime", 0))
        await wait_for(pilot, lambda: isinstance(short.screen, PlayerScreen) and short.screen.practice is not None)
        await wait_for(pilot, lambda: short.screen.query_one("#closing").display, timeout=30)
    rows = progress.history(context.open_context(home))
    assert [(r.exercise_id, r.completed_) for r in rows][-1] == ("timer", True)


HALVES = (
    'title = "Two halves"\nkind = "informal"\n[[step]]\nsay = "The first half begins."\npause = 8\n'
    '[[step]]\nsay = "The second half begins."\npause = 2\n[[step]]\nsay = "The end."\n'
)


async def test_a_stopped_exercise_offers_to_continue_and_both_parts_make_one_session(home):
    from player.tui.screens.resume import ResumeScreen

    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "halves.toml").write_text(HALVES)
    app = make_app(home, check_in=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "halves")
        await pilot.press("3")  # how kind, before
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None and screen.practice.player.position > 6.2)
        await pilot.press("q")
        await settle(pilot, app)
        await open_target(pilot, app, "halves")
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        options = app.screen.query_one("#resume-choices")
        stopped = progress.history(context.open_context(home))[0].position_s
        assert str(options.get_option_at_index(0).prompt) == f"Continue from 0:{int(stopped):02d}"
        assert str(options.get_option_at_index(1).prompt) == "Start again"
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PlayerScreen)  # not asked again how kind: it was asked when it began
        await wait_for(pilot, lambda: screen.practice is not None)
        assert stopped - 0.3 <= screen.practice.player.position <= stopped + 1.0  # where it stopped, playing on
        await pilot.press("left")  # back over what was heard last time: counted once
        await wait_for(pilot, lambda: isinstance(app.screen, CheckInScreen), timeout=40)
        await pilot.press("8")  # and after
        await wait_for(pilot, lambda: screen.query_one("#closing").display, timeout=40)
        await settle(pilot, app)
    first, second = progress.history(context.open_context(home))
    assert not first.completed_ and first.listened_s == pytest.approx(stopped, abs=0.3)
    assert second.resumes == first.id and second.completed_
    assert (first.mood_before, second.mood_after) == (3, 8)
    assert second.listened_s == pytest.approx(second.duration_s, abs=0.5)  # the whole session, once
    assert second.part_s == pytest.approx(second.duration_s, abs=0.5)  # this part heard it all again
    assert app.stats is None or app.stats.total_sessions == 1


async def test_start_again_begins_anew_and_a_changed_script_is_not_continued(home):
    from player.tui.screens.resume import ResumeScreen

    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "halves.toml").write_text(HALVES)
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "halves")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None and screen.practice.player.position > 6.2)
        await pilot.press("q")
        await settle(pilot, app)
        (mine / "halves.toml").write_text(HALVES.replace("The end.", "That is all."))
        await open_target(pilot, app, "halves")
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)
        await pilot.press("enter")  # continue: but the words have changed
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        assert screen.practice.resume is None and screen.practice.player.position < 1.0
        assert any("has changed since you stopped" in n.message for n in app._notifications)
        await pilot.press("q")
        await settle(pilot, app)
        await open_target(pilot, app, "halves")
        await pilot.pause()
        assert isinstance(app.screen, ResumeScreen)  # the first part is still there to continue
        await pilot.press("down", "enter")  # start again
        screen = app.screen
        assert isinstance(screen, PlayerScreen) and screen.asked.resume is None
        await wait_for(pilot, lambda: screen.practice is not None)
        assert screen.practice.player.position < 1.0


async def test_today_rolls_over_at_the_day_start_while_the_app_stays_open(home):
    from player.adapters.clock import SetClock

    app = make_app(home, sessions=[done("soothing-touch", 24)], day_starts_at="03:00")
    app.ctx.clock = SetClock(datetime(2026, 11, 25, 2, 59, 30, tzinfo=TZ), running=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert app.stats.today == date(2026, 11, 24)  # before 03:00 it is still the 24th
        assert "You have practised today" in text_of(app, "#greeting")
        app.ctx.clock.advance(timedelta(minutes=1))
        app._roll_over()  # what the app's timer does every few seconds
        await settle(pilot, app)
        assert app.stats.today == date(2026, 11, 25)
        assert "Good to see you again" in text_of(app, "#greeting")


async def test_the_timer_says_what_to_change_beside_the_choices_and_keeps_every_choice(home):
    import wave

    from player.tui.screens.player import PlayerScreen
    from player.tui.screens.timer import TimerScreen

    mine = home / "scripts"
    mine.mkdir(parents=True)
    with wave.open(str(mine / "gong.wav"), "wb") as w:  # a 70-second sound of one's own
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x10" * 22050 * 70)
    app = make_app(home, timer_minutes=20.0, timer_every=10.0)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        app.choose_timer()
        await wait_for(pilot, lambda: isinstance(app.screen, TimerScreen) and app.screen.query("#timer-start"))
        form = app.screen
        form.query_one("#timer-minutes").value = 5
        await pilot.pause()
        said = text_of(app, "#timer-total")
        assert "A bell every 10 minutes does not fit in a timer of 5 minutes" in said
        assert "or a longer timer" in said and "--" not in said  # what to change, in the app's words
        assert form.query_one("#timer-every").value == 10.0 and form.query_one("#timer-minutes").value == 5  # kept
        form.query_one("#timer-start").press()
        await pilot.pause()
        assert app.screen is form and form.focused is form.query_one("#timer-every")  # not started
        form.query_one("#timer-every").value = 1.0
        form.query_one("#timer-bell").value = "gong"
        await pilot.pause()
        assert "rings for 70 seconds" in text_of(app, "#timer-total")
        form.query_one("#timer-start").press()
        await pilot.pause()
        assert app.screen is form and form.query_one("#timer-bell").value == "gong"
        saved = context.open_context(home).settings
        assert (saved.timer_minutes, saved.timer_every, saved.timer_bell) == (20.0, 10.0, "bowl")  # nothing kept
        form.query_one("#timer-bell").value = "bowl"
        await pilot.pause()
        assert "5 minutes between the opening and closing bells" in text_of(app, "#timer-total")
        form.query_one("#timer-start").press()
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen))
        await pilot.press("escape")
        await settle(pilot, app)
    saved = context.open_context(home).settings
    assert (saved.timer_minutes, saved.timer_every, saved.timer_bell) == (5.0, 1.0, "bowl")


async def test_after_finding_your_phrases_you_can_write_them_and_reorder_them(home):
    from player.app import words
    from player.tui.screens.words import WordsScreen

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "finding-your-phrases")
        if isinstance(app.screen, LengthScreen):
            await pilot.press("enter")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        screen.practice.player.seek(screen.practice.player.duration - 1.5)  # to the closing bell
        await wait_for(pilot, lambda: screen.query_one("#closing").display, timeout=30)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "write-phrases")
        assert str(app.focused.label) == "Write your phrases"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WordsScreen))
        await settle(pilot, app)
        for text in ("May I rest when I am tired.", "May I be my own friend."):
            await pilot.press(*text)  # q, w and the rest are letters here
            await pilot.press("tab")
        await pilot.press("shift+tab", "ctrl+up")  # the second phrase first
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert words.phrases(app.ctx).texts == ("May I be my own friend.", "May I rest when I am tired.")
        assert "Kept your 2 phrases" in text_of(app, "#words-status")


async def test_the_letter_is_saved_as_you_type_and_survives_ctrl_q(home):
    from player.app import words
    from player.tui.screens.letter import LetterScreen

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("w")
        await settle(pilot, app)
        app.action_open_words("letter")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen))
        await pilot.pause()
        await pilot.press(*"Dear me, quiet is fine.")

        def saved() -> bool:  # typing paused: the autosave keeps it
            latest = words.latest_letter(app.ctx)
            return latest is not None and latest.text == "Dear me, quiet is fine."

        await wait_for(pilot, saved)
        await wait_for(pilot, lambda: "Saved at" in text_of(app, "#letter-status"))
        assert "Saved at" in text_of(app, "#letter-status")
        await pilot.press(*" You matter.")
        await pilot.press("ctrl+q")  # quits at once: what was typed is kept
    assert words.latest_letter(context.open_context(home)).text == "Dear me, quiet is fine. You matter."
    assert len(words.letters(context.open_context(home))) == 1  # one letter, written over time


async def test_escape_saves_the_letter_and_goes_back_to_your_words(home):
    from player.app import words
    from player.tui.screens.letter import LetterScreen
    from player.tui.screens.words import WordsScreen

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        app.action_open_words("letter")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen))
        await pilot.pause()
        await pilot.press(*"A short letter.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, WordsScreen))
        await settle(pilot, app)
        assert words.latest_letter(app.ctx).text == "A short letter."
        letters = app.screen.query_one("#letters")
        await wait_for(pilot, lambda: len(letters.children) == 1)  # the list is read again, off the UI thread
        assert "3 words" in str(letters.children[0].query_one("Label").render())
