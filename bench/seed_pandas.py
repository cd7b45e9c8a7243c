"""The seed notebook's pandas cleaning (its README, steps 3-7) as a script, for benchmarking.

    python -m bench.seed_pandas PATH [--out CSV]

This is the baseline the warehouse is measured against, so the pandas code is kept verbatim,
including what the seed got wrong (it drops models without a pipeline_tag, treats the Hub's
placeholder createdAt as a real 2022 release, and keeps the same model twice when a duplicate's
numbers differ). Step 3 starts from the JSON file step 2 saved, so loading it is included.

No change was needed for generated data: every file with at least one ``pipeline_tag`` has all
six selected columns, and the selected columns are scalars, so ``drop_duplicates`` works.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd


def clean(path: Path, out: Path) -> int:
    """Run steps 3-7 of the seed notebook on ``path``; write the CSV to ``out``; return rows."""
    with open(path) as f:
        data = json.load(f)

    # Step 3: load into a DataFrame
    df = pd.DataFrame(data)
    # Step 4: select relevant columns
    df = df[["modelId", "pipeline_tag", "createdAt", "downloads", "likes", "trendingScore"]]
    # Step 5: year extraction and category naming
    df["year"] = pd.to_datetime(df["createdAt"]).dt.year
    df = df.rename(columns={"pipeline_tag": "category"})
    # Step 6: cleaning
    df = df.dropna(subset=["category", "year"])
    df = df.drop_duplicates()
    df[["downloads", "likes", "trendingScore"]] = df[["downloads", "likes", "trendingScore"]].clip(
        lower=0
    )
    # Step 7: save the cleaned dataset
    df.to_csv(out, index=False)
    return len(df)


def _default_out() -> Path:
    # mkstemp rather than a fixed name so concurrent benchmark runs never share a file
    fd, name = tempfile.mkstemp(prefix="seed_pandas_", suffix=".csv")
    with open(fd, "w"):
        pass
    return Path(name)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.seed_pandas",
        description="Run the seed notebook's pandas steps 3-7 (load the saved /api/models JSON, "
        "select columns, derive year, rename, dropna, drop_duplicates, clip, to_csv) on PATH "
        "and print the row count.",
    )
    p.add_argument("path", type=Path, help="a saved GET /api/models JSON array")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="cleaned CSV to write (default: a new temporary file, path printed)",
    )
    args = p.parse_args(argv)
    out = args.out if args.out is not None else _default_out()
    rows = clean(args.path, out)
    print(f"rows={rows} out={out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
