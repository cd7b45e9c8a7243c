"""Real-shaped ``/api/models`` responses of any size, cloned from a recorded response.

    python -m bench.clone --models 2000000 --out bench/data/real_2000000.json
        [--like ../shared/data/hf_models_2025-12-01.json] [--drift K] [--seed 0]

``bench.generate`` draws every field from hand-written distributions, and its tag lists came
out half as long as the Hub's (9.5 tags per model against 19.0 in the recorded response), so
everything that scales with tags looked twice as cheap as it is. A clone cannot drift from the
real shape: model ``i`` is a copy of recorded object ``i mod N`` with its own identity, so the
tag lists (length, order, mix of prefixes, the 4,046-tag outlier), the absent keys (~20%
without ``pipeline_tag``), key order and string lengths are the recorded ones. Only the
``base_model:`` tags are drawn anew (``bench.lineage``): each clone's bases are other clones, in
family trees shaped like the Hub's, instead of the recorded ~250 bases at depth 1.

Per copy ``k = i div N`` (copy 0 is the recorded object itself):
- ``id``/``modelId`` get a ``-k`` suffix and ``_id`` a tail drawn per model, so every model is
  distinct;
- ``downloads``, ``likes`` and ``trendingScore`` are scaled by a factor drawn per model, so the
  metrics are not N values repeated;
- ``createdAt`` moves back by a whole number of days drawn per copy (placeholder dates stay), so
  the release months spread over the years before the capture as the Hub's do.

About one object in 2,000 is written a second time a little later, as a crawl whose pages shift
does. ``--drift K`` is the same catalogue K days later, as a daily crawl asking for
``downloadsAllTime`` sees it: downloads and likes grown by a per-model daily rate; each model's
``downloadsAllTime``, which only grows (by about its 30-day count / 30 a day); 0.1% of the
models deleted per day (a deleted model stays deleted) and 0.3% of ``--models`` added per day
(models ``--models`` onwards, clones like the others). The output is deterministic and, without
``--drift``, prefix-stable (model ``i`` does not depend on ``--models``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench.lineage import Lineage, recorded_unobserved, retag

REPO = Path(__file__).resolve().parents[1]
RECORDED = REPO.parent / "shared" / "data" / "hf_models_2025-12-01.json"
PLACEHOLDER_DAY = "2022-03-02"
REPEAT_EVERY = 2_000
REPEAT_GAP = 150
MAX_SHIFT_DAYS = 1_300
DELETED_PER_DAY = 0.001
ADDED_PER_DAY = 0.003
MASK = (1 << 64) - 1


def mix(seed: int, i: int, salt: int) -> int:
    """splitmix64 of (seed, model, purpose): for a fixed seed and purpose, one value per model."""
    z = (seed * 0x9E3779B97F4A7C15 + i * 0xBF58476D1CE4E5B9 + salt * 0x94D049BB133111EB) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def unit(seed: int, i: int, salt: int) -> float:
    """A deterministic uniform in [0, 1) for (seed, model, purpose)."""
    return (mix(seed, i, salt) >> 11) / float(1 << 53)


def clone_id(recorded: Sequence[dict[str, Any]], i: int) -> str:
    copy, j = divmod(i, len(recorded))
    return f"{recorded[j]['id']}-{copy}" if copy else recorded[j]["id"]


def clone(
    source: dict[str, Any],
    i: int,
    copy: int,
    seed: int,
    drift: int,
    lineage: tuple[str | None, list[str]] = (None, []),
) -> dict[str, Any]:
    obj = dict(source)
    if isinstance(source.get("tags"), list):
        obj["tags"] = retag(source["tags"], *lineage)
    if copy:
        model_id = f"{source['id']}-{copy}"
        obj["id"] = model_id
        if "modelId" in obj:
            obj["modelId"] = model_id
        if isinstance(source.get("_id"), str):
            # An ObjectId starts with its creation second; the rest only has to be unique.
            obj["_id"] = source["_id"][:8] + f"{mix(seed, i, 4):016x}"
        created = source.get("createdAt")
        if isinstance(created, str) and not created.startswith(PLACEHOLDER_DAY):
            shift = int(unit(seed, copy, 1) * MAX_SHIFT_DAYS)
            try:
                when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
            except ValueError:
                pass
            else:
                moved = when - dt.timedelta(days=shift)
                obj["createdAt"] = moved.strftime("%Y-%m-%dT%H:%M:%S.") + created[-4:]
    scale, rate, before = metric_draws(seed, i, copy)
    for key, grows in (("downloads", True), ("likes", True), ("trendingScore", False)):
        value = source.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            obj[key] = int(grown(value, scale, rate, drift if grows else 0))
    downloads = source.get("downloads")
    if drift and isinstance(downloads, int) and not isinstance(downloads, bool):
        obj["downloadsAllTime"] = int(all_time_downloads(downloads, scale, rate, before, drift))
    return obj


# The formulas below take Python numbers or numpy arrays alike (bench.archive_files applies them
# to a whole catalogue at once), so both give the same values to the last bit.


def metric_draws(seed: int, i: int, copy: int) -> tuple[float, float, float]:
    """Model ``i``'s metric scale, daily growth rate and the weight of its months before day 0."""
    # Most of the Hub is downloaded far less than the trending sample: scale down, long-tailed.
    scale = unit(seed, i, 2) ** 3 if copy else 1.0
    return scale, unit(seed, i, 3) * 0.02, unit(seed, i, 6)


def grown(value: Any, scale: Any, rate: Any, drift: int) -> Any:
    """A recorded count scaled to the model and grown by ``rate`` a day for ``drift`` days."""
    return value * scale * (1.0 + drift * rate if drift else 1.0)


def all_time_downloads(downloads: Any, scale: Any, rate: Any, before: Any, drift: int) -> Any:
    """Months of downloads before the first day, then each day's 30-day count / 30: the sum
    over days 1..drift of downloads * (1 + d * rate) / 30, so it never falls from day to day."""
    daily = downloads * scale / 30
    earlier = daily * 30 * (1 + 24 * before)
    return earlier + daily * (drift + rate * drift * (drift + 1) / 2)


def added(models: int, drift: int) -> int:
    """Models added to a catalogue of ``models`` by day ``drift``."""
    return int(models * ADDED_PER_DAY * drift)


def lineage_of(recorded: Sequence[dict[str, Any]], seed: int) -> Lineage:
    """The family trees the clones of `recorded` are drawn into (``bases(i)`` in order of i)."""
    return Lineage(lambda i: clone_id(recorded, i), recorded_unobserved(recorded), unit, mix, seed)


def is_present(i: int, models: int, seed: int, drift: int) -> bool:
    """Whether model ``i`` is in the catalogue ``drift`` days on: not deleted yet, added already."""
    if i >= models:
        return i < models + added(models, drift)
    return unit(seed, i, 5) >= drift * DELETED_PER_DAY


def iter_objects(
    recorded: list[dict[str, Any]], models: int, seed: int, drift: int
) -> Iterator[str]:
    held: list[str] = []
    lineage = lineage_of(recorded, seed)
    for i in range(models + added(models, drift)):
        # Drawn for every model, present or not: later models' bases depend on earlier ones.
        bases = lineage.bases(i)
        if drift and not is_present(i, models, seed, drift):
            continue
        copy, j = divmod(i, len(recorded))
        text = json.dumps(clone(recorded[j], i, copy, seed, drift, bases))
        yield text
        held.append(text)
        if len(held) > REPEAT_GAP:
            held.pop(0)
        if i % REPEAT_EVERY == REPEAT_EVERY - 1:
            yield held[0]


def write(like: Path, models: int, out: Path, seed: int = 0, drift: int = 0) -> int:
    recorded = [o for o in json.loads(like.read_text()) if isinstance(o.get("id"), str)]
    written = 0
    with out.open("w", encoding="ascii", newline="\n") as handle:
        handle.write("[")
        for text in iter_objects(recorded, models, seed, drift):
            handle.write(",\n" if written else "\n")
            handle.write(text)
            written += 1
        handle.write("\n]\n" if written else "]\n")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.clone",
        description="Write a real-shaped GET /api/models response of any size by cloning the "
        "objects of a recorded one. Same arguments give a byte-identical file.",
    )
    parser.add_argument(
        "--models", type=int, required=True, help="distinct models to write (on day 0)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output file")
    parser.add_argument(
        "--like",
        type=Path,
        default=RECORDED,
        help="recorded response to clone (default: ../shared/data/hf_models_2025-12-01.json)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the per-model draws")
    parser.add_argument("--drift", type=int, default=0, help="days after the recorded capture")
    args = parser.parse_args(argv)
    if args.models < 0 or args.drift < 0:
        parser.error("--models and --drift must be >= 0")
    if not args.like.is_file():
        parser.error(f"{args.like}: no such file (the recorded response lives in ../shared/data)")
    written = write(args.like, args.models, args.out, args.seed, args.drift)
    print(f"wrote {written} objects ({args.models} models) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
