"""The app as a person lives in it every day: volume, ambience level, settings, what comes next."""

from __future__ import annotations

import pytest

from player.adapters import settings as settings_file
from player.app import context
from tests.tui.test_app import HALVES, make_app, open_target, settle, text_of, wait_for

RAINY = HALVES.replace('kind = "informal"\n', 'kind = "informal"\n[background]\nsound = "rain"\n')


def saved(home):
    return settings_file.load(context.open_context(home).config_dir)


async def test_plus_and_minus_change_the_volume_show_it_and_remember_it(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "rainy.toml").write_text(RAINY)
    app = make_app(home, volume=70)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "rainy")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        assert screen.practice.player.volume == 70  # the remembered volume
        assert "Volume 70 %" in text_of(app, "#levels") and "ambience +0 dB" in text_of(app, "#levels")
        assert "([ and ])" in text_of(app, "#levels")  # the keys are shown, not eaten as markup
        await pilot.press("minus", "minus", "minus")
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert "Volume 40 %" in text_of(app, "#levels") and "ambience +3 dB" in text_of(app, "#levels")
        assert screen.practice.session.mixer.level_db == 3
        await pilot.press("plus")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
    kept = saved(home)
    assert (kept.volume, kept.ambience_level) == (50, 3)


async def test_no_ambience_key_without_ambience(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "halves.toml").write_text(HALVES)
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "halves")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        assert text_of(app, "#levels") == "Volume 100 %  (+ and -)"
        await pilot.press("left_square_bracket")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
    assert saved(home).ambience_level == 0


def test_volume_scales_what_the_device_is_handed():
    from player.adapters.playback.clocked import SilentBackend
    from player.adapters.playback.player import Player
    from player.adapters.sound import pcm

    class Tone:
        rate = 16000

        def total(self):
            return 16000

        def laid_out(self):
            return 16000

        def complete(self):
            return True

        def extend(self, upto, wait_if_blocked):
            return 16000

        def read(self, start, frames):
            return b"\x10\x27" * frames  # 10000

        def wait_for_speech(self, timeout):
            pass

    player = Player(Tone(), SilentBackend())
    player.set_volume(50)
    player.play()
    try:
        import time

        end = time.monotonic() + 10
        got = b""
        while time.monotonic() < end:  # the feeder thread lays the sound out a moment after play()
            got = player.pull(1024)
            if pcm.rms(got):
                got = player.pull(1024)  # a whole block of the tone, after the first sound
                break
            time.sleep(0.01)
        assert pcm.rms(got) == pytest.approx(2500, abs=2)  # half the volume: a quarter of the amplitude
    finally:
        player.stop()


async def test_settings_open_with_o_save_each_change_at_once_and_say_where(home):
    from textual.widgets import Select, Switch

    from player.tui.screens.settings import SettingsScreen

    def in_view(selector: str) -> bool:
        note = app.screen.query_one(selector)
        return note.display and 0 <= note.region.y < 34 and note.region.height > 0

    app = make_app(home, check_in=True)
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot, app)
        await pilot.press("o")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#weekly_goal_days", Select).value = 3
        config = context.open_context(home).config_dir / "config.toml"
        await wait_for(pilot, lambda: text_of(app, "#settings-status") == f"Saved in {config}.")
        assert text_of(app, "#weekly_goal_days-note") == "Saved."
        await wait_for(pilot, lambda: in_view("#weekly_goal_days-note"))
        assert saved(home).weekly_goal_days == 3 and app.ctx.settings.weekly_goal_days == 3  # in force at once
        await wait_for(pilot, lambda: app.stats is not None and app.stats.goal_days == 3)  # progress follows
        switch = screen.query_one("#check_in", Switch)
        switch.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: saved(home).check_in is False)
        screen.query_one("#ambience", Select).value = "rain"
        screen.query_one("#ambience_level", Select).value = -6
        await wait_for(pilot, lambda: (saved(home).ambience, saved(home).ambience_level) == ("rain", -6))
        box = screen.query_one("#reminder_time")
        box.value = "7:5"
        box.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "not a time" in text_of(app, "#reminder_time-note"))
        said = text_of(app, "#reminder_time-note")
        assert "7:30" in said and "reminder_time" not in said and "error" not in said
        await wait_for(pilot, lambda: in_view("#reminder_time-note"))  # where the eye is, not at the foot
        box.value = "7:45"  # the way people write it
        await pilot.press("enter")
        ics = home / "compassion-reminder.ics"
        await wait_for(pilot, lambda: "Reminder every day at 07:45" in text_of(app, "#reminder_time-note"))
        assert f"written to {ics}" in text_of(app, "#reminder_time-note")
        await wait_for(pilot, lambda: in_view("#reminder_time-note"))
        assert b"RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU" in ics.read_bytes()
        screen.query_one("#ambience").focus()
        await pilot.press("p")  # the voice, heard
        await wait_for(pilot, lambda: "Playing:" in text_of(app, "#preview-note"), timeout=30)
        await wait_for(pilot, lambda: in_view("#preview-note"))
        assert screen._preview is not None and screen._preview.player.duration > 2
        await pilot.press("escape")
        await settle(pilot, app)
        assert not isinstance(app.screen, SettingsScreen)
        assert screen._preview is None  # leaving stops it
    assert saved(home).reminder_time == "07:45"


async def test_settings_from_the_palette_and_a_new_engine_clears_the_voice(home):
    from textual.widgets import Select

    from player.tui.screens.settings import SettingsScreen

    app = make_app(home, voice="gmw/de")
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.press(*"Settings")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await wait_for(pilot, lambda: screen.query_one("#voice", Select).value == "gmw/de")
        screen.query_one("#voice_engine", Select).value = "pyttsx3"
        await wait_for(pilot, lambda: (saved(home).voice_engine, saved(home).voice) == ("pyttsx3", ""))
        await wait_for(pilot, lambda: screen.query_one("#voice", Select).value is Select.NULL)  # its own voice


async def test_home_and_end_go_to_the_first_and_last_item_of_a_list(home):
    from textual.widgets import ListView, OptionList

    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        listing = app.focused
        assert isinstance(listing, ListView | OptionList)
        await pilot.press("end")
        last = len(listing.children) - 1 if isinstance(listing, ListView) else listing.option_count - 1
        assert (listing.index if isinstance(listing, ListView) else listing.highlighted) == last
        await pilot.press("home")
        assert (listing.index if isinstance(listing, ListView) else listing.highlighted) == 0
        await pilot.press("enter")  # week 1
        await settle(pilot, app)
        exercises = app.focused
        assert isinstance(exercises, ListView)
        await pilot.press("end")
        assert exercises.index == len(exercises.children) - 1
        await pilot.press("home")
        assert exercises.index == 0


async def test_the_timer_form_starts_on_length_offers_short_and_long_sits_and_tells_the_true_length(home):
    from textual.widgets import Select

    from player.tui.screens.player import PlayerScreen
    from player.tui.screens.timer import TimerScreen

    app = make_app(home, timer_prepare=10)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        app.choose_timer()
        await wait_for(pilot, lambda: isinstance(app.screen, TimerScreen) and app.screen.query("#timer-start"))
        form = app.screen
        await settle(pilot, app)
        assert app.focused.id == "timer-minutes"  # Enter opens Length; it does not start a sit
        lengths = [v for _, v in form.query_one("#timer-minutes", Select)._options]
        assert {1, 2, 3, 180} <= set(lengths)
        intervals = {v: str(p) for p, v in form.query_one("#timer-every", Select)._options}
        assert intervals[1.0] == "every minute" and intervals[5.0] == "every 5 minutes"
        said = text_of(app, "#timer-total")
        assert said.startswith("10 minutes between the opening and closing bells; 10:1")
        assert said.endswith("in all, with 10 s to settle and 8 s of ringing out.")  # what the extra is
        form.query_one("#timer-custom").value = "500"
        await pilot.pause()
        assert "Type a length from 1 to 180 minutes" in text_of(app, "#timer-total")
        form.query_one("#timer-custom").value = "2"
        form.query_one("#timer-ambience", Select).value = "rain"
        await pilot.pause()
        assert text_of(app, "#timer-total").startswith("2 minutes between the opening and closing bells")
        form.query_one("#timer-custom").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen) and app.screen.practice is not None)
        screen = app.screen
        assert screen.practice.session.mixer is not None  # the rain under the sit
        screen.refresh_position()
        assert text_of(app, "#current-line").startswith("Settle in. The opening bell rings in 1")
        assert screen.practice.session.duration == pytest.approx(10 + 120 + 7, abs=3)
        await pilot.press("escape")
        await settle(pilot, app)
    assert (saved(home).timer_minutes, saved(home).timer_ambience) == (2.0, "rain")


async def test_playing_a_later_weeks_practice_from_the_palette_is_allowed_with_a_gentle_word(home):
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "safe-place")  # week 2, not open yet
        notes = [n.message for n in app._notifications]
        assert any("from week 2, which opens later in the course. Listening early is fine" in n for n in notes)
        assert app.screen.__class__.__name__ in ("LengthScreen", "CheckInScreen", "PlayerScreen")
        await pilot.press("escape")
        await settle(pilot, app)
        app._notifications.clear()
        await open_target(pilot, app, "soothing-touch")  # week 1: nothing to say
        await settle(pilot, app)
        assert not [n for n in app._notifications if "opens later" in n.message]
        await pilot.press("escape")
        await settle(pilot, app)


async def test_a_small_terminal_shows_one_line_asking_for_a_bigger_window_until_it_grows(home):
    from player.tui.screens.home import HomeScreen
    from player.tui.screens.small import TooSmallScreen

    app = make_app(home)
    async with app.run_test(size=(50, 16)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, TooSmallScreen)
        assert text_of(app, "#too-small") == "Please make this window a little bigger (at least 60 × 20)."
        await pilot.press("escape")
        assert isinstance(app.screen, TooSmallScreen)  # it goes when the window grows, not before
        await pilot.resize_terminal(100, 30)
        await settle(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, HomeScreen)
        await pilot.resize_terminal(59, 30)
        await settle(pilot, app)
        await settle(pilot, app)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("ctrl+q")  # quitting still works
    assert app.return_code in (0, None)


async def test_every_week_row_fits_on_one_line_at_110_columns(home):
    from tests.tui.test_app import done

    app = make_app(home, sessions=[done("soothing-touch", 23)])
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot, app)
        for number in range(1, 9):
            row = app.screen.query_one(f"#week-{number}")
            assert row.size.height == 1, (number, str(row.line.render()))
        week2 = str(app.screen.query_one("#week-2").line.render())
        assert week2.endswith("locked · opens Mon 30 Nov or after week 1")


async def test_a_session_left_part_way_reads_as_such_and_fits_its_column(home):
    from player.core.session import Session
    from player.tui.screens.stats import StatsScreen
    from tests.conftest import NOW
    from tests.tui.test_app import done

    left = Session("safe-place", NOW.replace(hour=9), 900, 120, "app", 2)
    app = make_app(home, sessions=[done("soothing-touch", 23), left])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        assert isinstance(app.screen, StatsScreen)
        numbers = text_of(app, "#numbers").splitlines()
        assert "Left part-way      1" in numbers and not any("Paused" in line for line in numbers)
        assert len({line.index(line.split()[-1]) for line in numbers if line.startswith(("Left", "Sessions"))}) == 1


async def test_at_60x20_home_states_are_whole_and_the_timer_can_be_started_with_the_keys(home):
    from player.tui.screens.timer import TimerScreen

    app = make_app(home)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        for n in (1, 2, 8):
            line = str(app.screen.query_one(f"#week-{n}").line.render()).rstrip()
            assert not line.endswith("…") and ("current" in line or "locked · opens after week" in line), line
        assert str(app.screen.query_one("#timer").line.render()).rstrip().endswith("quiet practice with bells")
        await pilot.press("end", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, TimerScreen))
        for _ in range(12):
            if app.focused is not None and app.focused.id == "timer-start":
                break
            await pilot.press("tab")
        start = app.screen.query_one("#timer-start")
        assert app.focused is start  # Tab reaches Start
        await pilot.pause()
        assert start.region.y >= 0 and start.region.bottom <= 20  # and it is in sight, not cut off


async def test_when_a_weeks_practices_are_all_done_but_not_its_days_the_closing_says_so_and_offers_one_again(
    home,
):
    from tests.tui.test_app import SHORT, done

    sessions = [done(ex, 23) for ex in ("soothing-rhythm-breathing", "three-systems-check-in", "soothing-touch")]
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "tiny.toml").write_text(SHORT)
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await open_target(pilot, app, "tiny")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#closing").display, timeout=30)
        said = text_of(app, "#closing-text")
        assert "Every practice of week 1 is done; 3 more practice days finish the week." in said
        assert "This session has been added to your practice days." in said
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "closing-next")
        assert str(app.focused.label) == "Again: Soothing Rhythm Breathing"


async def test_the_check_in_chart_puts_each_answer_on_its_own_evenly_spaced_row_and_dates_the_axis(home):
    import re
    from dataclasses import replace

    from tests.tui.test_app import done

    sessions = [replace(done("soothing-touch", d), mood_before=3, mood_after=7) for d in (20, 23)]
    app = make_app(home, sessions=sessions, check_in=True)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await settle(pilot, app)
        await wait_for(pilot, lambda: app.screen.query("#trend-words"))
        await wait_for(pilot, lambda: "○ before practice" in text_of(app, "#trend-words"))  # the chart is drawn
        plot = app.screen.query_one("#trend-plot")
        lines = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in plot.plt.build().split("\n")]
        axis = {int(m.group(1)): i for i, line in enumerate(lines) if (m := re.match(r"\s*(\d+)\s*┤", line))}
        before = next(i for i, line in enumerate(lines) if "○" in line)
        after = next(i for i, line in enumerate(lines) if "●" in line)
        assert before - after == 4  # 3 and 7: four rows apart, one a point
        assert after == axis[8] + 1 and before == axis[2] - 1  # 7 just under the 8 line, 3 just over the 2
        assert "Fri 20 Nov" in "\n".join(lines) and "Mon 23 Nov" in "\n".join(lines)
        assert "before" not in "\n".join(lines)  # no key inside the chart, where it would hide a 9 or a 10
        assert "○ before practice   ● after" in text_of(app, "#trend-words")


async def test_at_60x20_each_practice_of_a_week_is_one_line_with_its_kind_and_length_whole_in_one_column(home):
    from player.tui.screens.week import ExerciseItem, WeekScreen

    app = make_app(home)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WeekScreen))
        await settle(pilot, app)
        items = list(app.screen.query(ExerciseItem))
        assert len(items) == 3
        for item in items:
            assert item.region.height == 1 and item.region.bottom <= 20, item.region  # one line each, in sight
            meta = str(item.meta.render())
            assert meta.rstrip().endswith(("minutes", "minute")) and "…" not in meta, meta
        assert len({item.meta.region.x for item in items}) == 1  # the kinds stand in one column


async def test_this_week_is_one_count_with_one_goal_on_home_the_progress_screen_and_stats(home):
    import json

    from tests.conftest import run_cli
    from tests.tui.test_app import done

    # Week 1 (goal 4) is finished on Monday 23 November, so course week 2 (goal 5) is open on Tuesday 24
    # (the app's clock); the calendar week began under week 1's goal.
    sessions = [
        done("soothing-rhythm-breathing", 17),
        done("three-systems-check-in", 18),
        done("soothing-touch", 19),
        done("soothing-touch", 23),
    ]
    app = make_app(home, sessions=sessions)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        await wait_for(pilot, lambda: "This week" in text_of(app, "#summary"))
        assert text_of(app, "#summary").startswith("This week: 1 of 4 practice days")
        assert "current · 0 of 5 days" in text_of(app, "#week-2 .week-line")  # course week 2's own count
        await pilot.press("s")
        await wait_for(pilot, lambda: "This week" in text_of(app, "#numbers"))
        assert "1 of 4 days" in text_of(app, "#numbers")
        assert "Course weeks" in text_of(app, "#week-table")
    r = run_cli("stats")
    assert r.returncode == 0 and "This week: 1 of 4 practice days" in r.stdout and "Course week: 2" in r.stdout
    assert json.loads(run_cli("stats", "--json").stdout)["goal_days"] == 4


async def test_end_then_enter_in_a_week_opens_its_last_practice_at_the_smallest_size(home):
    from player.tui.screens.player import PlayerScreen
    from player.tui.screens.week import WeekScreen
    from tests.tui.test_app import done

    app = make_app(home, sessions=[done("soothing-rhythm-breathing", 16), done("safe-place", 23, 2)])
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        app.open_week(2)
        await wait_for(pilot, lambda: isinstance(app.screen, WeekScreen))
        await settle(pilot, app)
        await pilot.press("end")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen) or len(app.screen_stack) > 3)
        shown = app.screen
        if not isinstance(shown, PlayerScreen):  # a length to choose first: take the one offered
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, PlayerScreen))
        assert app.screen.entry.id == "soles-of-the-feet"
        await pilot.press("escape")
        await settle(pilot, app)


async def test_a_practice_stopped_part_way_is_marked_in_its_week_with_where_it_stopped(home):
    from player.tui.screens.week import WeekScreen

    app = make_app(home)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        app.open_week(1)
        await wait_for(pilot, lambda: isinstance(app.screen, WeekScreen))
        week = app.screen
        await settle(pilot, app)
        await open_target(pilot, app, "soothing-touch")
        screen = app.screen
        await wait_for(pilot, lambda: screen.practice is not None)
        run = screen.practice
        await wait_for(pilot, lambda: run.session.synthesis.done == run.session.synthesis.total)
        run.player.seek(42.0)
        await wait_for(pilot, lambda: run.player.listened > 1.5)  # heard, so it is kept
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is week)
        await wait_for(pilot, lambda: "stopped at" in text_of(app, "#week-progress"))
        assert "Soothing Touch: stopped at 0:4" in text_of(app, "#week-progress")
        assert "of 1:45; open it to continue." in text_of(app, "#week-progress")
        assert str(week.query_one("#ex-soothing-touch .ex-mark").render()) == "◐"
        assert str(week.query_one("#ex-soothing-rhythm-breathing .ex-mark").render()) == " "
        assert any("Kept as a part: 0:4" in n.message for n in app._notifications)
