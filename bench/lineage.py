"""Family trees shaped like the Hub's for ``bench.clone``: each clone's bases are other clones.

Copying the recorded tags would point every ``base_model:`` edge at one of the ~250 bases of
the recorded 1,000 models: families of thousands of children, all at depth 1. The Hub's trees
are deep and wide instead, so the clone draws them (published figures, Oct 2025: 28% of models
name a base; adapter 43%, finetune 36%, quantized 19%, merge 2%; chains run ~12 deep):

- a model names bases with probability ``DERIVED_SHARE``, its relation drawn from ``RELATIONS``;
  a merge names 2-4 bases, every one tagged ``merge`` as the Hub does;
- each base is an earlier model, drawn with a skew towards the first ones (the popular bases
  are old): a model without bases (``ROOT_SHARE``), another derivative (``DERIVED_BASE_SHARE``,
  so chains grow geometrically rarer with depth, capped at ``MAX_DEPTH``), or a name never
  observed (the rest: a recorded base the recorded response does not hold, suffixed);
- every ``CYCLE_EVERY`` models, a 2-cycle, a 3-ring and a self-reference, as the Hub's tags hold.

Every base is written in both of the Hub's forms, ``base_model:<id>`` then
``base_model:<relation>:<id>``, where the recorded object had its base tags (else before its
licence tag, else at the end). Model ``i``'s bases depend only on models before it, so the
output stays deterministic and prefix-stable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

DERIVED_SHARE = 0.28
RELATIONS = (("adapter", 0.43), ("finetune", 0.36), ("quantized", 0.19), ("merge", 0.02))
ROOT_SHARE = 0.60
DERIVED_BASE_SHARE = 0.38
MAX_DEPTH = 12
POPULARITY_SKEW = 3
CYCLE_EVERY = 100_000
# Offsets within each CYCLE_EVERY block: (first member, ring length); a ring of 1 names itself.
CYCLES = ((50_000, 2), (70_000, 3), (90_000, 1))
PICK_ATTEMPTS = 32
UNOBSERVED_VARIANTS = 10_000
SALT_DERIVED, SALT_RELATION, SALT_MERGE_BASES, SALT_KIND, SALT_PICK = 7, 8, 9, 10, 11


def cycle_base(i: int) -> int | None:
    """The next member of model ``i``'s ring when ``i`` is on one of the planted cycles."""
    offset = i % CYCLE_EVERY
    for first, length in CYCLES:
        if first <= offset < first + length:
            return i - offset + first + (offset - first + 1) % length
    return None


def recorded_unobserved(recorded: Sequence[dict[str, Any]]) -> list[str]:
    """Bases the recorded response names but does not hold, in order of first mention."""
    ids = {o["id"] for o in recorded}
    names: dict[str, None] = {}
    for obj in recorded:
        for tag in obj.get("tags") or ():
            if isinstance(tag, str) and tag.startswith("base_model:") and tag.count(":") == 1:
                name = tag.removeprefix("base_model:")
                if name and name not in ids:
                    names[name] = None
    return list(names) or ["unobserved/base"]


class Lineage:
    """Draws each model's bases in order; ``bases(i)`` must be called for i = 0, 1, 2, ..."""

    def __init__(
        self,
        ids: Callable[[int], str],
        unobserved: Sequence[str],
        unit: Callable[[int, int, int], float],
        mix: Callable[[int, int, int], int],
        seed: int,
    ) -> None:
        self.ids = ids
        self.unobserved = unobserved
        self.unit = unit
        self.mix = mix
        self.seed = seed
        # Per model: 0 without bases, else 1 + its deepest base's depth (a ring's members get
        # MAX_DEPTH, so no chain grows from them).
        self.depth = bytearray()

    def is_derived(self, i: int) -> bool:
        return cycle_base(i) is not None or self.unit(self.seed, i, SALT_DERIVED) < DERIVED_SHARE

    def relation(self, i: int) -> str:
        draw = self.unit(self.seed, i, SALT_RELATION)
        for name, share in RELATIONS:
            if draw < share:
                return name
            draw -= share
        return RELATIONS[-1][0]

    def pick(self, i: int, k: int) -> tuple[str, int]:
        """Base ``k`` of model ``i``: its id and depth (0 for a name never observed)."""
        kind = self.unit(self.seed, i * 8 + k, SALT_KIND)
        want_derived = kind >= ROOT_SHARE
        if i and kind < ROOT_SHARE + DERIVED_BASE_SHARE:
            for attempt in range(PICK_ATTEMPTS):
                draw = self.unit(self.seed, (i * 8 + k) * PICK_ATTEMPTS + attempt, SALT_PICK)
                j = int(i * draw**POPULARITY_SKEW)
                depth = self.depth[j]
                if (depth > 0) == want_derived and depth < MAX_DEPTH:
                    return self.ids(j), depth
        name_draw = self.mix(self.seed, i * 8 + k, SALT_KIND)
        name = self.unobserved[name_draw % len(self.unobserved)]
        return f"{name}-u{(name_draw >> 32) % UNOBSERVED_VARIANTS}", 0

    def bases(self, i: int) -> tuple[str | None, list[str]]:
        """Model ``i``'s relation and base ids (``None, []`` for a model without bases)."""
        ring = cycle_base(i)
        if ring is not None:
            self.depth.append(MAX_DEPTH)
            return "finetune", [self.ids(ring)]
        if not self.is_derived(i):
            self.depth.append(0)
            return None, []
        relation = self.relation(i)
        count = 2 + self.mix(self.seed, i, SALT_MERGE_BASES) % 3 if relation == "merge" else 1
        picked: dict[str, int] = {}
        for k in range(count):
            name, depth = self.pick(i, k)
            picked.setdefault(name, depth)
        self.depth.append(min(MAX_DEPTH, 1 + max(picked.values())))
        return relation, list(picked)


def retag(tags: list[Any], relation: str | None, bases: Sequence[str]) -> list[Any]:
    """``tags`` with its base_model tags replaced by ``bases`` in both of the Hub's forms."""
    kept: list[Any] = []
    at = None
    for tag in tags:
        if isinstance(tag, str) and tag.startswith("base_model:"):
            at = len(kept) if at is None else at
        else:
            kept.append(tag)
    if not bases:
        return kept
    if at is None:
        licence = [n for n, t in enumerate(kept) if isinstance(t, str) and t.startswith("license:")]
        at = licence[0] if licence else len(kept)
    written = [t for base in bases for t in (f"base_model:{base}", f"base_model:{relation}:{base}")]
    return kept[:at] + written + kept[at:]
