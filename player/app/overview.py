"""What the course and the user's scripts hold, and how long each can run: `info` and `list`.

No speech is made to answer: lengths are exact from made speech or the durations manifest, else
estimated from the words and marked as such.
"""

from __future__ import annotations

from typing import Any

from player.adapters.catalog import Entry
from player.app import progress
from player.app.context import Context
from player.app.library import plan, resolve_script
from player.core import progress as core_progress
from player.core.errors import CompassionError
from player.core.progress import goal_for
from player.core.script.model import Script, Speech


def exercise_info(ctx: Context, entry: Entry, script: Script, engine: str | None = None) -> dict[str, Any]:
    """Everything `compassion info` tells about one exercise (no speech is made to tell it)."""
    from player.core.script.model import Gap

    p = plan(ctx, script, engine, synthesize=False)
    events = [s.event for s in p.items]
    gaps = [e.pause for e in events if isinstance(e, Gap)]
    lo, hi = p.range_minutes()
    low_s, high_s = p.range_seconds()
    return {
        "id": script.id,
        "title": script.title,
        "summary": script.summary,
        "kind": script.kind,
        "week": entry.week,
        "path": str(entry.path),
        "steps": len(script.steps),
        "spoken_segments": sum(1 for e in events if isinstance(e, Speech)),
        "pause_seconds": {"min": round(sum(g.low for g in gaps), 1), "max": round(sum(g.high for g in gaps), 1)},
        "engine": p.voice.engine,
        "duration_seconds": {"min": round(low_s, 1), "max": round(high_s, 1)},
        "min_minutes": lo,
        "max_minutes": hi,
        "exact": p.exact,
        **_your_words(ctx, script),
    }


def _your_words(ctx: Context, script: Script) -> dict[str, Any]:
    """For a practice that speaks the listener's words: how many phrases and whether there is a letter
    (never the words themselves)."""
    if not script.uses_words:
        return {}
    from player.app import words

    used = script.words_used
    out: dict[str, Any] = {"speaks_your_words": ctx.settings.my_words}
    if "phrases" in used:
        out["your_phrases"] = len(words.phrases(ctx).texts)
    if "letter" in used:
        latest = words.latest_letter(ctx)
        out["your_letter"] = ctx.day_of(latest.written_at).isoformat() if latest else None
    return out


def exercise_summary(ctx: Context, entry: Entry, script: Script, engine: str | None = None) -> dict[str, Any]:
    """One exercise as `list --json` shows it. Its range is what `render --minutes` accepts: exact from
    made speech or the durations manifest, else estimated from the words (`"exact": false`)."""
    p = plan(ctx, script, engine, synthesize=False)
    lo, hi = p.range_minutes()
    return {
        "id": entry.id,
        "title": script.title,
        "kind": script.kind or "",
        "min_minutes": lo,
        "max_minutes": hi,
        "exact": p.exact,
    }


def course_listing(ctx: Context, engine: str | None = None) -> dict[str, Any]:
    """The course and the user's own scripts, as `compassion list --json` prints them (no speech is made)."""
    course = ctx.catalog.course
    entries = ctx.catalog.course_entries()
    weeks = []
    for week in course.weeks:
        exercises = []
        for ex in week.practices:
            entry = entries[ex]
            summary = exercise_summary(ctx, entry, ctx.catalog.load(entry), engine)
            exercises.append({**summary, "extra": True} if ex in week.extras else summary)
        weeks.append(
            {
                "number": week.number,
                "theme": week.theme,
                "intention": week.intention,
                "goal_days": goal_for(week, ctx.settings.weekly_goal_days or None),
                "exercises": exercises,
            }
        )
    mine = []
    for item in ctx.catalog.my_scripts():
        if item.script is None:
            mine.append(
                {
                    "id": item.entry.id,
                    "path": str(item.entry.path),
                    "error": item.error.lines()[0] if item.error else "",
                }
            )
        else:
            summary = exercise_summary(ctx, item.entry, item.script, engine)
            mine.append({**summary, "path": str(item.entry.path)})
    return {"title": course.title, "weeks": weeks, "my_scripts": mine}


def next_practice(ctx: Context, just_done: str) -> tuple[str, str] | None:
    """(id, title) of the practice to offer after `just_done`: the current week's next one not done yet."""
    try:
        weeks = list(ctx.catalog.course.weeks)
    except CompassionError:
        return None
    st = progress.stats(ctx)
    found = core_progress.next_practice(weeks, st.states, just_done)
    if found is None:
        return None
    try:
        _, script = resolve_script(ctx, found)
    except CompassionError:
        return None
    return found, script.title
