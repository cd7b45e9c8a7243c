"""The loader and huggingface_hub's `HfApi.list_models` agree on what a query returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import crawl, query
from tests.replay_hub import ReplayHub

# Each test crawls with the loader and with huggingface_hub.
pytestmark = pytest.mark.slow

hf_hub = pytest.importorskip("huggingface_hub")


def hf_ids(hub: ReplayHub, **kwargs: Any) -> list[str]:
    return [m.id for m in hf_hub.HfApi(endpoint=hub.url, token=False).list_models(**kwargs)]


def loader_ids(hub: ReplayHub, database: Path, *args: str) -> set[str]:
    crawl(database, hub, *args)
    return {model_id for (model_id,) in query(database, "select model_id from raw.hf_models")}


# One page of the recorded 1000: hf_hub's own spelling of each query beside ours.
SINGLE_PAGE: list[tuple[dict[str, Any], list[str]]] = [
    ({}, []),
    ({"sort": "downloads"}, ["--sort", "downloads"]),
    ({"sort": "created_at", "limit": 250}, ["--sort", "createdAt", "--limit", "250"]),
    ({"search": "bert", "sort": "likes"}, ["--search", "bert", "--sort", "likes"]),
    (
        {"filter": ["transformers", "license:mit"]},
        ["--filter", "transformers", "--filter", "license:mit"],
    ),
    ({"pipeline_tag": "text-to-image"}, ["--pipeline-tag", "text-to-image"]),
    ({"expand": ["downloads", "likes"]}, ["--expand", "downloads", "--expand", "likes"]),
    ({"full": True}, ["--full"]),
]


@pytest.mark.parametrize(
    ("kwargs", "args"), SINGLE_PAGE, ids=[" ".join(a) or "default" for _, a in SINGLE_PAGE]
)
def test_same_models_as_huggingface_hub(
    replay_hub: ReplayHub, tmp_path: Path, kwargs: dict[str, Any], args: list[str]
) -> None:
    want = hf_ids(replay_hub, **kwargs)
    assert want, "the query should select something"
    assert loader_ids(replay_hub, tmp_path / "w.duckdb", *args) == set(want)


MULTI_PAGE: list[tuple[dict[str, Any], list[str]]] = [
    ({}, ["--all"]),
    ({"sort": "downloads"}, ["--all", "--sort", "downloads"]),
    (
        {"filter": "safetensors", "sort": "likes"},
        ["--all", "--filter", "safetensors", "--sort", "likes"],
    ),
]


@pytest.mark.parametrize(("kwargs", "args"), MULTI_PAGE, ids=[" ".join(a) for _, a in MULTI_PAGE])
def test_same_models_as_huggingface_hub_across_pages(
    generated_2500: Path, tmp_path: Path, kwargs: dict[str, Any], args: list[str]
) -> None:
    with ReplayHub(generated_2500) as hub:
        # hf_hub stops after one page when given a limit, so it iterates everything here.
        want = hf_ids(hub, **kwargs)
        assert len(hub.requests) > 1, "the query should span pages"
        assert loader_ids(hub, tmp_path / "w.duckdb", *args) == set(want)
