"""bench.dbt_build_cost: its table and its one-line refusal; the builds it times run in make test's
own dbt builds, so they are not repeated here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.dbt_build_cost import Build, main, row


def test_a_row_gives_the_spread_the_nodes_and_the_cost_per_node() -> None:
    builds = [
        Build(wall_s=9.0, nodes=300, nodes_s=6.0),
        Build(8.0, 300, 5.0),
        Build(12.0, 300, 7.0),
    ]
    assert row("in process", builds) == (
        "| in process | 8.00 s | 9.00 s | 12.00 s | 300 | 6.00 s | 30.0 ms |"
    )


def test_a_missing_response_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.json"
    with pytest.raises(SystemExit) as stopped:
        main(["--fixture", str(missing)])
    assert stopped.value.code == 2
    assert f"no recorded response at {missing}" in capsys.readouterr().err
