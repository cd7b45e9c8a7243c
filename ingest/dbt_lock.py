"""A dbt-duckdb plugin (see profiles.yml) so that a bare `dbt build` on a warehouse another
process holds says so in one line, as `make build` does.

dbt-duckdb opens the file with duckdb.connect, whose lock error is not one of the exceptions
its connection code wraps, so dbt prints it with a 200-line traceback. Plugins are created
before that connect, so this one tries the lock first and fails with dbt's own error type,
which dbt prints without a traceback. Another process can still take the lock in between;
then dbt's traceback is what the user sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from dbt_common.exceptions import DbtRuntimeError

from ingest.errors import WarehouseLockedError


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        path = Path(self.creds.path) if self.creds and self.creds.path else None
        # A missing file or ":memory:" holds no lock; dbt creates or opens it as before.
        if path is None or not path.is_file():
            return
        try:
            duckdb.connect(str(path)).close()
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            raise DbtRuntimeError(str(WarehouseLockedError(path, str(exc)))) from None
