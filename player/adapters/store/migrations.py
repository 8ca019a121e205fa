"""The progress database schema, as named, ordered migrations. `PRAGMA user_version` is their count."""

from __future__ import annotations

from player.core.ids import LEGACY_COURSE_IDS, MINE_PREFIX, PATH_PREFIX, TIMER_ID

_KNOWN = ", ".join(f"'{x}'" for x in sorted(LEGACY_COURSE_IDS | {TIMER_ID}))

MIGRATIONS: list[tuple[str, str]] = [
    (
        "create sessions",
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            exercise_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL,
            local_date TEXT NOT NULL,
            duration_s REAL NOT NULL,
            listened_s REAL NOT NULL,
            completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
            source TEXT NOT NULL CHECK (source IN ('app', 'manual', 'import'))
        );
        CREATE INDEX sessions_by_date ON sessions (completed, local_date);
        """,
    ),
    (
        "weeks, lengths, check-ins and duplicate-safe imports",
        """
        ALTER TABLE sessions ADD COLUMN week INTEGER;
        ALTER TABLE sessions ADD COLUMN minutes_variant REAL;
        ALTER TABLE sessions ADD COLUMN mood_before INTEGER CHECK (mood_before BETWEEN 0 AND 10);
        ALTER TABLE sessions ADD COLUMN mood_after INTEGER CHECK (mood_after BETWEEN 0 AND 10);
        ALTER TABLE sessions ADD COLUMN recorded_at TEXT;
        CREATE UNIQUE INDEX sessions_unique ON sessions (exercise_id, started_at);
        CREATE INDEX sessions_by_exercise ON sessions (exercise_id, completed, local_date);
        """,
    ),
    (
        "rest days and sessions continued where they stopped",
        """
        CREATE TABLE rest_days (day TEXT PRIMARY KEY, created_at TEXT NOT NULL);
        ALTER TABLE sessions ADD COLUMN resumes INTEGER REFERENCES sessions (id);
        ALTER TABLE sessions ADD COLUMN position_s REAL;
        ALTER TABLE sessions ADD COLUMN heard TEXT;
        ALTER TABLE sessions ADD COLUMN audio_key TEXT;
        ALTER TABLE sessions ADD COLUMN part_s REAL;
        CREATE INDEX sessions_by_resumes ON sessions (resumes);
        """,
    ),
    (
        "ids carry their kind: the listener's own scripts become mine:NAME and count for no course week",
        f"""
        UPDATE sessions SET exercise_id = '{MINE_PREFIX}' || exercise_id, week = NULL
        WHERE exercise_id NOT IN ({_KNOWN})
          AND exercise_id NOT LIKE '{MINE_PREFIX}%' AND exercise_id NOT LIKE '{PATH_PREFIX}%';
        """,
    ),
    (
        "sessions written as they play: the process that is playing one, until it is finished",
        """
        ALTER TABLE sessions ADD COLUMN live_owner TEXT;
        CREATE INDEX sessions_live ON sessions (live_owner) WHERE live_owner IS NOT NULL;
        """,
    ),
    (
        "the listener's own words: their phrases and their letters",
        """
        CREATE TABLE phrases (position INTEGER PRIMARY KEY, text TEXT NOT NULL, changed_at TEXT NOT NULL);
        CREATE TABLE letters (id INTEGER PRIMARY KEY, written_at TEXT NOT NULL, changed_at TEXT NOT NULL,
                              text TEXT NOT NULL, UNIQUE (written_at));
        """,
    ),
    (
        "the goal of each calendar week, kept as it was decided when a change of goal or pace came",
        """
        CREATE TABLE week_goals (monday TEXT PRIMARY KEY, goal INTEGER NOT NULL CHECK (goal BETWEEN 1 AND 7),
                                 kept_at TEXT NOT NULL);
        """,
    ),
]

CURRENT_VERSION = len(MIGRATIONS)
