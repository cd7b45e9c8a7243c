"""A Hub dataset repo of archive files: list them, then read one by ranges or download it whole.

Everything goes through huggingface_hub, which speaks the Hub's dataset endpoints (tree,
paths-info, resolve) and follows the resolve redirect to the storage host without the token
(httpx drops ``Authorization`` on a redirect to another origin; ``hf_hub_download`` removes it
itself before fetching a storage URL). The repo is pinned to the commit it is at when listed,
so a weekly upload during a long backfill cannot mix two versions of a file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import httpx2
from huggingface_hub import HfApi, HfFileSystem, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from huggingface_hub.utils import build_hf_headers, hf_raise_for_status, http_stream_backoff

from ingest.errors import FetchError, IngestError, UsageError

DEFAULT_REPO = "hfmlsoc/hub_weekly_snapshots"
DEFAULT_PATTERN = "models/{date}/models.parquet"
DATE_FIELD = "{date}"
# Each column chunk pyarrow asks for is one ranged GET: fsspec's read-ahead cache would add
# a block (5 MB by default) of the columns the warehouse never reads to every one of them.
RANGED_CACHE = "none"


@dataclass(frozen=True)
class ArchiveFile:
    """One archive file of the repo: its path, the week its folder names, size and sha256."""

    path: str
    day: date
    size: int
    # The LFS oid, which is the file's sha256: what a landed file is recognised by. None for a
    # file kept in git itself (not LFS): its checksum is known only once downloaded.
    sha256: str | None


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """`models/{date}/models.parquet` -> a regex whose group `date` is YYYY-MM-DD."""
    if pattern.count(DATE_FIELD) != 1:
        raise UsageError(f"--pattern {pattern!r} must name the folder date once, as {DATE_FIELD}")
    before, after = pattern.split(DATE_FIELD)
    return re.compile(f"{re.escape(before)}(?P<date>\\d{{4}}-\\d{{2}}-\\d{{2}}){re.escape(after)}")


def listing_root(pattern: str) -> str | None:
    """The folder above the date: listing only it keeps a big repo's tree walk short."""
    folder = pattern.split(DATE_FIELD)[0].rpartition("/")[0]
    return folder or None


@contextmanager
def hub_errors(what: str, endpoint: str) -> Iterator[None]:
    """Turn huggingface_hub's and httpx's exceptions into one line naming `what`."""
    try:
        yield
    except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
        detail = str(exc).splitlines()[0]
        raise IngestError(
            f"{what}: not found on {endpoint} ({detail}); check --repo/--revision, and set "
            "HF_TOKEN if the repo is private or gated"
        ) from None
    except (EntryNotFoundError, FileNotFoundError) as exc:
        raise IngestError(f"{what}: not in the repo ({exc})") from None
    except HfHubHTTPError as exc:
        raise FetchError(f"{what}: {str(exc).splitlines()[0]}") from None
    except httpx2.HTTPError as exc:
        raise FetchError(f"{what}: {endpoint} unreachable or failing ({exc})") from None


class ArchiveRepo:
    """The archive repo at one commit, read anonymously or with `token` (sent to the Hub only)."""

    def __init__(
        self, endpoint: str, token: str | None, repo: str, pattern: str, revision: str
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        # False, not None: huggingface_hub would otherwise look for a token saved on disk.
        self.token: str | bool = token or False
        self.repo = repo
        self.pattern = pattern
        self.regex = pattern_regex(pattern)
        self.api = HfApi(endpoint=self.endpoint, token=self.token)
        with hub_errors(f"archive repo {repo}@{revision}", self.endpoint):
            self.commit: str = self.api.dataset_info(repo, revision=revision).sha or revision
        self.fs = HfFileSystem(endpoint=self.endpoint, token=self.token, skip_instance_cache=True)

    def list_files(self) -> list[ArchiveFile]:
        """Every file matching the pattern, oldest week first."""
        files = []
        with hub_errors(f"listing {self.repo}", self.endpoint):
            tree = self.api.list_repo_tree(
                self.repo,
                listing_root(self.pattern),
                recursive=True,
                revision=self.commit,
                repo_type="dataset",
            )
            try:
                entries = list(tree)
            except EntryNotFoundError:
                return []  # no folder above the date: no file matches either
            for entry in entries:
                match = self.regex.fullmatch(entry.path)
                if match is None or not hasattr(entry, "size"):
                    continue
                try:
                    day = date.fromisoformat(match["date"])
                except ValueError:
                    continue  # a folder like 2024-13-45 is not a week
                sha256 = entry.lfs.sha256 if entry.lfs else None
                files.append(ArchiveFile(entry.path, day, entry.size, sha256))
        return sorted(files, key=lambda f: (f.day, f.path))

    def url(self, file: ArchiveFile) -> str:
        return hf_hub_url(
            self.repo, file.path, repo_type="dataset", revision=self.commit, endpoint=self.endpoint
        )

    def ranges_supported(self, file: ArchiveFile) -> bool:
        """Whether the storage behind the file answers a Range request with 206 Partial Content.

        Asked the way HfFileSystem reads (GET on the resolve URL, following its redirect), and
        streamed, so that a server which ignores Range sends no more than a few blocks before
        the connection is dropped. HfFileSystem itself would take a 200 for the range it asked.
        """
        headers = {**build_hf_headers(token=self.token), "Range": "bytes=0-3"}
        with (
            hub_errors(f"{self.repo}/{file.path}", self.endpoint),
            http_stream_backoff("GET", self.url(file), headers=headers) as response,
        ):
            hf_raise_for_status(response)
            return response.status_code == 206 and "content-range" in response.headers

    @contextmanager
    def open_ranged(self, file: ArchiveFile) -> Iterator[BinaryIO]:
        """The file as a seekable binary file whose reads are HTTP range requests."""
        path = f"datasets/{self.repo}@{self.commit}/{file.path}"
        with (
            hub_errors(f"{self.repo}/{file.path}", self.endpoint),
            self.fs.open(path, "rb", cache_type=RANGED_CACHE) as handle,
        ):
            yield handle

    def download(self, file: ArchiveFile, folder: Path) -> Path:
        """Download the whole file into `folder` (resuming a partial one), checked by sha256."""
        with hub_errors(f"downloading {self.repo}/{file.path}", self.endpoint):
            local = Path(
                hf_hub_download(
                    self.repo,
                    file.path,
                    repo_type="dataset",
                    revision=self.commit,
                    endpoint=self.endpoint,
                    token=self.token,
                    local_dir=folder,
                )
            )
        if file.sha256 is not None:
            with local.open("rb") as handle:
                got = hashlib.file_digest(handle, "sha256").hexdigest()
            if got != file.sha256:
                local.unlink()
                raise FetchError(
                    f"downloading {self.repo}/{file.path}: sha256 {got} does not match the "
                    f"repo's {file.sha256}; the partial file was removed, rerun to fetch it again"
                )
        return local
