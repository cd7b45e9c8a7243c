"""The report's first section, "The sample": what the warehouse holds and how far it is from the
Hub (marts sample_summary, sample_snapshots). Other sections word their caveats with these facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from plots.data import Connection, MissingData, one
from plots.shared import FactGroup, Facts, ReportPart, Section
from plots.style import counted, percent


@dataclass(frozen=True)
class SampleFacts:
    snapshot_count: int
    model_count: int
    placeholder_count: int
    placeholder_share: float
    latest_age_days: float | None
    built_at: str
    latest_snapshot_date: str
    latest_snapshot_month: str
    latest_sample_description: str | None
    latest_is_full_catalogue: bool
    latest_model_count: int
    latest_own_month_count: int
    latest_own_month_share: float
    latest_last_30_days_count: int
    latest_last_30_days_share: float | None


def select_facts(con: Connection) -> SampleFacts:
    summary = one(
        con,
        "select snapshot_count, model_count, placeholder_count, placeholder_share, "
        "latest_snapshot_age_days, built_at from marts.sample_summary",
    )
    if not summary:
        raise MissingData("marts.sample_summary is empty")
    snapshot_count, model_count, placeholders, placeholder_share, age_days, built_at = summary
    (
        snapshot_at,
        described,
        full,
        in_latest,
        own_month,
        own_month_share,
        last_30,
        last_30_share,
    ) = one(
        con,
        "select snapshot_at, sample_description, is_full_catalogue, newest_model_count, "
        "created_in_snapshot_month_count, created_in_snapshot_month_share, "
        "created_in_last_30_days_count, created_in_last_30_days_share "
        "from marts.sample_snapshots where is_latest",
    )
    return SampleFacts(
        snapshot_count=snapshot_count,
        model_count=model_count,
        placeholder_count=placeholders,
        placeholder_share=placeholder_share,
        latest_age_days=age_days,
        built_at=built_at.strftime("%Y-%m-%d %H:%M UTC"),
        latest_snapshot_date=snapshot_at.strftime("%Y-%m-%d"),
        latest_snapshot_month=snapshot_at.strftime("%B %Y"),
        latest_sample_description=described,
        latest_is_full_catalogue=bool(full),
        latest_model_count=in_latest,
        latest_own_month_count=own_month,
        latest_own_month_share=own_month_share,
        latest_last_30_days_count=last_30,
        latest_last_30_days_share=last_30_share,
    )


def paragraphs(facts: Facts) -> list[str]:
    f = facts.get(SampleFacts)
    if f is None or f.latest_sample_description is None:
        return ["The warehouse holds no complete snapshot, so there is no sample to describe."]
    said = [
        f"The warehouse holds {counted(f.snapshot_count, 'snapshot')} and "
        f"{counted(f.model_count, 'distinct model')}; each model carries the values of the "
        f"newest snapshot it appears in. The latest snapshot is {f.latest_sample_description}."
    ]
    if f.latest_age_days is not None:
        said.append(
            f"That snapshot was {f.latest_age_days:,.1f} days old when this warehouse was "
            f"built ({f.built_at}): every number here describes the Hub as it was then."
        )
    if f.latest_is_full_catalogue:
        said.append(
            "That snapshot is a full, unfiltered crawl of the Hub's catalogue, so counts describe "
            "the Hub itself."
        )
    else:
        said.append(
            "It is not the Hub: the Hub's default listing returns the models trending now, which "
            "over-represents this month's models. Of the latest snapshot's "
            f"{counted(f.latest_model_count, 'model')}, {f.latest_own_month_count:,} "
            f"({percent(f.latest_own_month_share)}) were created in the snapshot's own "
            f"month ({f.latest_snapshot_month}, up to {f.latest_snapshot_date}) "
            f"and {f.latest_last_30_days_count:,} "
            f"({percent(f.latest_last_30_days_share)}) in the 30 days before it. Old "
            "models appear only if they are still popular, so every share and count here "
            "describes what is trending, not what was released."
        )
    said.append(
        f"{counted(f.placeholder_count, 'model')} ({percent(f.placeholder_share)}) carry the "
        "Hub's import placeholder creation date (2022-03-02), meaning only 'created before March "
        "2022'; they are kept apart from real release years."
    )
    return said


def opening(facts: Facts) -> Section:
    return Section("sample", "The sample", paragraphs(facts))


PART = ReportPart(
    facts=(FactGroup("sample", ("sample_summary", "sample_snapshots"), select_facts),),
    opening=opening,
)
