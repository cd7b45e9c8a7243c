"""The Hub's `/api/models` filters the loader passes on, declared once.

The CLI's flags, the check that they are not combined with `--from-file`, and the request's
query parameters all follow HUB_FILTERS, and stg_hf__snapshots keeps every filter the request
carried in one column (hub_filters): a new filter is one entry here and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HubFilter:
    param: str  # the query parameter, and the argparse dest of its flag
    help: str
    metavar: str | None = None
    repeatable: bool = False  # the flag may be given again; the Hub gets every value

    @property
    def flag(self) -> str:
        return "--" + self.param.replace("_", "-")


HUB_FILTERS = (
    HubFilter("search", "only models whose id contains this text"),
    HubFilter("author", "only models of this user or organisation"),
    HubFilter("filter", "only models carrying this tag (repeatable: all must match)", "TAG", True),
    HubFilter("pipeline_tag", "only models of this task", "TASK"),
)
