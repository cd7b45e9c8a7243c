"""The report's last section, tables alone: who publishes the most-downloaded models, under
which licences, with which libraries (marts author_popularity, license_popularity,
library_popularity)."""

from __future__ import annotations

from plots.shared import INTEGER, SHARE, Column, Facts, ReportPart, Section, TableSpec
from plots.tables import TOP_ROWS


def popularity_table(mart: str, column: str, header: str, plural: str) -> TableSpec:
    return TableSpec(
        f"table-{plural}",
        f"Top {TOP_ROWS} {plural} by downloads; (none) is the models without one",
        mart,
        f"select {column}, model_count, share_of_models, total_downloads, share_of_downloads, "
        f"total_likes from marts.{mart} where downloads_rank <= {TOP_ROWS} "
        "order by downloads_rank",
        (
            Column(header),
            Column("Models", INTEGER),
            Column("Share of models", SHARE),
            Column("Downloads (30 days)", INTEGER),
            Column("Share of downloads", SHARE),
            Column("Likes", INTEGER),
        ),
    )


AUTHORS = popularity_table("author_popularity", "author", "Author", "authors")


LICENCES = popularity_table("license_popularity", "license", "Licence", "licences")


LIBRARIES = popularity_table("library_popularity", "library_name", "Library", "libraries")


TABLES = (AUTHORS, LICENCES, LIBRARIES)


def opening(facts: Facts) -> Section:
    return Section(
        "publishers",
        "Who publishes the most-downloaded models, under which licences, with which libraries?",
        marts=tuple(dict.fromkeys(t.mart for t in TABLES)),
    )


PART = ReportPart(opening=opening, tables=TABLES)
