"""My scripts' "Convert a file…": read a script someone already has, see the report, keep it as mine:NAME."""

from __future__ import annotations

from player.app import context
from tests.functional.convert_cases import MARKDOWN
from tests.tui.test_app import make_app, settle, text_of, wait_for


async def test_a_file_is_converted_shown_with_its_report_and_kept_in_my_scripts(home, tmp_path):
    from player.tui.screens.convert import ConvertScreen
    from player.tui.screens.week import WeekScreen

    case = next(c for c in MARKDOWN if c.name == "chatbot.md")
    source = tmp_path / "Evening wind-down.md"
    source.write_text(case.text)
    app = make_app(home)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, app)
        app.open_week(None)
        await wait_for(pilot, lambda: isinstance(app.screen, WeekScreen))
        await pilot.press("end", "enter")  # the last row of My scripts
        await wait_for(pilot, lambda: isinstance(app.screen, ConvertScreen))
        form = app.screen
        await pilot.press(*str(tmp_path / "missing.md"), "enter")
        await wait_for(pilot, lambda: "file not found" in text_of(app, "#convert-report"))
        assert form.query_one("#convert-keep").disabled  # nothing to keep
        form.query_one("#convert-path").value = str(source)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "read as markdown" in text_of(app, "#convert-report"))
        report = text_of(app, "#convert-report")
        assert "3 spoken lines" in report and "the label 'Instructor:' was left out" in report
        await pilot.press("enter")  # Keep in My scripts has the focus
        await wait_for(pilot, lambda: isinstance(app.screen, WeekScreen))
        await settle(pilot, app)
        await wait_for(pilot, lambda: app.screen.query("#ex-mine-evening-wind-down"))
        assert any("Kept in My scripts as mine:evening-wind-down." in n.message for n in app._notifications)
    entry = context.open_context(home).catalog.resolve("mine:evening-wind-down")
    assert entry.path == home / "scripts" / "evening-wind-down.toml"
