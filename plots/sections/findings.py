"""The report's "Key findings": a list of sentences, each carrying numbers from the marts,
given by the sections they summarise, in this order."""

from __future__ import annotations

from plots.sections import catalogue, categories, growth, popularity, releases
from plots.shared import Facts, ReportPart, Section


def opening(facts: Facts) -> Section:
    sentences = [
        *categories.findings(facts),
        *popularity.findings(facts),
        *releases.findings(facts),
        *catalogue.findings(facts),
        *growth.findings(facts),
    ]
    return Section("key-findings", "Key findings", bullets=sentences)


PART = ReportPart(opening=opening)
