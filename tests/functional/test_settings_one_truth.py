"""Settings, one truth: read fresh whenever the file changes, written in the order they were made, and the
listener's own comments kept. Real files, real processes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from player.adapters import settings as settings_file
from player.adapters.clock import SetClock
from player.adapters.store import sessions as store
from player.app import context, preferences
from player.app.recording import SqliteRecorder, open_store
from player.core.session import Session
from tests.conftest import run_cli

TZ = timezone(timedelta(hours=1))


def test_a_change_made_in_another_terminal_is_in_force_for_the_next_session(tmp_path):
    data = tmp_path / "data"
    moment = datetime(2026, 11, 25, 1, 30, tzinfo=TZ)
    ctx = context.open_context(data, clock=SetClock(moment, running=False))
    ctx.on_notice = lambda line: None
    assert ctx.settings.day_start_minutes == 0  # the app is open with midnight as the day start
    r = run_cli("--data-dir", str(data), "config", "set", "day_starts_at", "03:00")
    assert r.returncode == 0, r.stderr
    assert ctx.settings.day_start_minutes == 180  # read again: the file changed
    recorder = SqliteRecorder(ctx)
    try:
        assert recorder.save(Session("soothing-touch", moment, 120, 120, "app", 1), final=True).kept
    finally:
        recorder.close()
    db = open_store(ctx)
    assert db is not None
    try:
        kept = store.history(db)
    finally:
        db.close()
    assert kept[0].local_date_.isoformat() == "2026-11-24"  # 01:30 belongs to the day before, under 03:00


def test_quick_changes_from_the_settings_screen_land_in_the_order_they_were_made(tmp_path):
    ctx = context.open_context(tmp_path / "data")
    writer = preferences.Writer(ctx)
    landed: list[object] = []
    values = [10 + (i % 2) * 50 + i for i in range(40)]  # forty quick moves of the volume
    for v in values:
        writer.submit("volume", v, lambda changed, error, v=v: landed.append(v if error is None else error))
    assert writer.wait(30)
    assert landed == values
    assert settings_file.load(ctx.config_dir).volume == values[-1]
    assert context.open_context(tmp_path / "data").settings.volume == values[-1]


def test_a_comment_written_by_hand_survives_config_set(tmp_path):
    data = tmp_path / "data"
    assert run_cli("--data-dir", str(data), "config", "set", "volume", "80").returncode == 0
    config = data / "config.toml"
    config.write_text("# mine: quiet in the evenings\n" + config.read_text() + "# and this one too\n")
    assert run_cli("--data-dir", str(data), "config", "set", "volume", "60").returncode == 0
    assert run_cli("--data-dir", str(data), "config", "set", "rate", "140").returncode == 0
    text = config.read_text()
    assert text.startswith("# mine: quiet in the evenings\n") and "# and this one too" in text
    assert "volume = 60" in text and "rate = 140" in text
    assert text.index("volume = 60") < text.index("# and this one too") < text.index("rate = 140")
    assert "# default speaking rate" in text  # a key added gets its description
