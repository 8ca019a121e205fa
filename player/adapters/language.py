"""The listener's language, as their system names it (LC_ALL, LC_MESSAGES, LANG), for putting the voices
that speak it first. English when the system names none (the course is written in English)."""

from __future__ import annotations

import os

DEFAULT = "en"


def user_language(environ: dict[str, str] | None = None) -> str:
    """The language part of the locale: "en" for en_GB.UTF-8, "de" for de_DE, else English."""
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        code = value.split(".")[0].split("@")[0].split("_")[0].lower()
        if code and code not in ("c", "posix"):
            return code
    return DEFAULT
