"""Which exercise an id means: the one place that decides it.

There are five kinds of exercise, and an id always says which:

- a course practice, by its bare id: `safe-place`;
- the unguided timer: `timer`;
- one of the listener's own scripts (in the scripts folder of their data): `mine:NAME`;
- a script given by its path, anywhere else: `path:/the/full/path.toml`;
- a practice of an installed course pack: `pack:PACKID/NAME` (typed as `PACKID/NAME`).

Only the followed course's practices count towards its weeks, so a script of one's own that happens to share a
course practice's name never does.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    COURSE = "course"
    TIMER = "timer"
    MINE = "mine"
    PATH = "path"
    PACK = "pack"


TIMER_ID = "timer"
MINE_PREFIX = "mine:"
PATH_PREFIX = "path:"
PACK_PREFIX = "pack:"

#: Every course practice before ids carried their kind (data version 3 and export version 1): a stored id
#: outside this list (and not `timer`) was one of the listener's own scripts.
LEGACY_COURSE_IDS = frozenset(
    {
        "soothing-rhythm-breathing", "three-systems-check-in", "soothing-touch",
        "safe-place", "affectionate-breathing", "compassionate-colour", "soles-of-the-feet",
        "loving-kindness-for-a-loved-one", "loving-kindness-for-ourselves", "finding-your-phrases",
        "self-compassion-break",
        "building-the-compassionate-self", "compassionate-letter", "compassionate-voice", "posture-and-face-reset",
        "working-with-the-inner-critic", "motivating-with-compassion", "fears-blocks-and-resistances",
        "catching-the-critic",
        "meeting-difficult-emotions", "multiple-selves", "label-and-locate", "hand-where-it-hurts",
        "ideal-compassionate-other", "flows-of-compassion", "compassion-with-equanimity", "kind-wish-for-passers-by",
        "savouring-and-gratitude", "core-values", "self-appreciation", "pocket-practice",
    }
)  # fmt: skip


@dataclass(frozen=True)
class ExerciseId:
    """An exercise's identity: its kind and its name within that kind (a course id, a script's name, or
    a path)."""

    kind: Kind
    name: str

    def __str__(self) -> str:
        if self.kind is Kind.MINE:
            return MINE_PREFIX + self.name
        if self.kind is Kind.PATH:
            return PATH_PREFIX + self.name
        if self.kind is Kind.PACK:
            return PACK_PREFIX + self.name
        return self.name

    @property
    def shown(self) -> str:
        """The id as people type it: a pack's practice is `PACKID/NAME` (stored as `pack:PACKID/NAME`)."""
        return self.name if self.kind is Kind.PACK else str(self)

    @property
    def counts_for_course(self) -> bool:
        """Whether it belongs to a course (the built-in one or a pack's), and so may count for a week."""
        return self.kind in (Kind.COURSE, Kind.PACK)


def course(name: str) -> ExerciseId:
    return ExerciseId(Kind.COURSE, name)


def timer() -> ExerciseId:
    return ExerciseId(Kind.TIMER, TIMER_ID)


def mine(name: str) -> ExerciseId:
    return ExerciseId(Kind.MINE, name)


def path(text: str) -> ExerciseId:
    return ExerciseId(Kind.PATH, text)


def pack(pack_id: str, name: str) -> ExerciseId:
    return ExerciseId(Kind.PACK, f"{pack_id}/{name}")


def parse(stored: str) -> ExerciseId:
    """A stored id (as in the progress file, history and export files) back into its kind and name."""
    if stored.startswith(MINE_PREFIX):
        return mine(stored[len(MINE_PREFIX) :])
    if stored.startswith(PATH_PREFIX):
        return path(stored[len(PATH_PREFIX) :])
    if stored.startswith(PACK_PREFIX) and "/" in stored:
        return ExerciseId(Kind.PACK, stored[len(PACK_PREFIX) :])
    if stored == TIMER_ID:
        return timer()
    return course(stored)


def from_legacy(stored: str) -> str:
    """An id written before ids carried their kind: course ids and `timer` stay, others were the
    listener's own scripts."""
    if stored in LEGACY_COURSE_IDS or stored == TIMER_ID or stored.startswith((MINE_PREFIX, PATH_PREFIX, PACK_PREFIX)):
        return stored
    return MINE_PREFIX + stored


def looks_like_path(target: str, packs: Collection[str] = ()) -> bool:
    """Whether what someone typed names a file rather than an id: `ID/NAME` (not ending in .toml) whose
    ID is an installed pack names that pack's practice, not a file."""
    if target.startswith(PACK_PREFIX) or (not target.endswith(".toml") and target.split("/", 1)[0] in packs):
        return False
    return target.endswith(".toml") or "/" in target or "\\" in target
