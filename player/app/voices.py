"""Which voices there are, grouped by engine with the one in use marked: for `compassion voices` and the
settings screen alike."""

from __future__ import annotations

from dataclasses import dataclass

from player.adapters.language import user_language
from player.adapters.speech.engines import ENGINE_NAMES, get_engine, piper_installed, resolve_engine
from player.app.context import Context

TITLES = {"piper": "Neural voice (piper)", "pyttsx3": "espeak-ng (pyttsx3)"}


@dataclass(frozen=True)
class VoiceRow:
    id: str
    engine: str
    language: str
    sample_rate: int
    name: str
    default: bool

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def engines(ctx: Context) -> list[str]:
    """The engines installed here, the one in use first."""
    found = [n for n in ENGINE_NAMES if n != "piper" or piper_installed()]
    in_use = resolve_engine(ctx.settings.voice_engine)
    return sorted(found, key=lambda n: n != in_use)


def listing(ctx: Context, lang: str | None = None, engine: str | None = None) -> list[VoiceRow]:
    """Every voice (of `engine`, speaking `lang`: en matches en-gb and en_US), grouped by engine; within
    each engine, the voices of the listener's own language come first."""
    in_use = resolve_engine(ctx.settings.voice_engine)
    wanted = (lang or "").lower().replace("_", "-")
    rows = []
    for name in engines(ctx):
        if engine and name != engine:
            continue
        found = get_engine(name)
        chosen = ctx.settings.voice if name == in_use and ctx.settings.voice else None
        default_id = chosen or found.default_voice_id()
        for v in found.voices():
            code = v.language.lower().replace("_", "-")
            if wanted and not (code == wanted or code.startswith(wanted + "-") or code.split("-")[0] == wanted):
                continue
            is_default = name == in_use and (v.id == default_id or v.id.endswith("/" + default_id))
            rows.append(VoiceRow(v.id, v.engine, v.language, v.sample_rate, v.name, is_default))
    own = user_language()
    order = {name: i for i, name in enumerate(engines(ctx))}
    return sorted(rows, key=lambda r: (order[r.engine], _language(r.language) != own))


def _language(code: str) -> str:
    return code.lower().replace("_", "-").split("-")[0]
