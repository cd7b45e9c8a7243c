"""A local stand-in for a Hugging Face *dataset* repository and the storage its files live on.

``make backfill`` reads the public Hub archives (``hfmlsoc/hub_weekly_snapshots``) through
huggingface_hub; tests and ``make bench-backfill`` serve the same requests from here, shaped
as huggingface_hub 2.4 makes them (read from its hf_api.py, hf_file_system.py and
file_download.py):

- ``GET /api/datasets/{repo}[/revision/{rev}]``: the repo's info (``sha``), which
  ``HfFileSystem`` asks for before touching a path;
- ``GET /api/datasets/{repo}/tree/{rev}[/{path}]?recursive=&expand=``: the listing, paged with
  a ``Link: <...cursor=...>; rel="next"`` header as the Hub does; LFS files carry
  ``lfs: {oid, size, pointerSize}`` (the oid is the file's sha256);
- ``POST /api/datasets/{repo}/paths-info/{rev}`` (form fields ``paths``, ``expand``);
- ``HEAD``/``GET /datasets/{repo}/resolve/{rev}/{path}``: for an LFS file a 302 to the
  storage server with ``X-Repo-Commit``, ``ETag``, ``X-Linked-Etag`` and ``X-Linked-Size``,
  as the Hub answers before its CDN; small files are served in place.

The storage server listens on 127.0.0.1 too but is addressed as ``localhost`` on another
port: another origin, so an HTTP client must drop the ``Authorization`` header when it
follows the redirect. It answers ``Range`` requests with 206 and ``Content-Range`` unless
``ranges=False``, when it sends the whole file with 200 as a server without range support
does. Both servers record every request (who, what, whether a token came, bytes of body
sent): ``hub.requests``, ``hub.bytes_served()``.

From a shell (serves until killed)::

    python -m tests.archive_hub --folder DIR [--repo hfmlsoc/hub_weekly_snapshots]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.replay_hub import Headers

DEFAULT_REPO = "hfmlsoc/hub_weekly_snapshots"
PAGE_SIZE = 1000  # the Hub's tree page without expand
CHUNK = 1 << 20
# Below this, a file is a plain git blob served in place; at or above it, an LFS file
# behind a redirect to storage (the Hub's real threshold is 10 MB; tests' files are small).
LFS_THRESHOLD = 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class Served:
    """One request as a server saw it."""

    server: str  # "hub" or "storage"
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    status: int
    body_bytes: int

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


@dataclass(frozen=True)
class RepoEntry:
    path: str
    local: Path
    size: int
    sha256: str
    git_oid: str

    @property
    def is_lfs(self) -> bool:
        return self.size >= LFS_THRESHOLD

    def info(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "type": "file",
            "oid": self.git_oid,
            "size": self.size,
            "path": self.path,
        }
        if self.is_lfs:
            entry["lfs"] = {"oid": self.sha256, "size": self.size, "pointerSize": 134}
        return entry


def _entry(path: str, local: Path) -> RepoEntry:
    sha256 = hashlib.sha256()
    with local.open("rb") as handle:
        while block := handle.read(CHUNK):
            sha256.update(block)
    size = local.stat().st_size
    # An LFS file's git oid is that of its pointer; any stable 40-hex value will do here.
    git_oid = hashlib.sha1(f"blob {size}\0{path}".encode()).hexdigest()
    return RepoEntry(path, local, size, sha256.hexdigest(), git_oid)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: _Server

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def do_GET(self) -> None:
        self.server.route(self)

    def do_HEAD(self) -> None:
        self.server.route(self)

    def do_POST(self) -> None:
        self.server.route(self)

    def log_message(self, *args: Any) -> None:
        pass  # hub.requests is the log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, name: str, hub: ArchiveHub) -> None:
        self.name = name
        self.hub = hub
        super().__init__(("127.0.0.1", 0), _Handler)

    def route(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        form = handler.rfile.read(length).decode() if length else ""
        reply = _Reply(handler)
        try:
            if self.name == "hub":
                self.hub.answer_hub(handler.command, unquote(parts.path), parts.query, form, reply)
            else:
                self.hub.answer_storage(handler.command, unquote(parts.path), handler, reply)
        except (ConnectionError, TimeoutError):
            handler.close_connection = True
        self.hub.record(
            Served(
                self.name,
                handler.command,
                parts.path,
                parse_qs(parts.query),
                Headers(handler.headers.items()),
                reply.status,
                reply.sent,
            )
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Reply:
    def __init__(self, handler: _Handler) -> None:
        self.handler = handler
        self.status = 0
        self.sent = 0

    def head(self, status: int, headers: Mapping[str, str]) -> None:
        self.status = status
        self.handler.send_response(status)
        for name, value in headers.items():
            self.handler.send_header(name, value)
        self.handler.end_headers()

    def body(self, data: bytes) -> None:
        if self.handler.command != "HEAD":
            self.handler.wfile.write(data)
            self.sent += len(data)

    def json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.head(
            status,
            {
                "Content-Type": "application/json; charset=utf-8",
                "Content-Length": str(len(data)),
                **(headers or {}),
            },
        )
        self.body(data)

    def error(self, status: int, code: str, message: str) -> None:
        self.json(status, {"error": message}, {"X-Error-Code": code, "X-Error-Message": message})


class ArchiveHub:
    """Serve ``files`` ({path in repo: local file}) as dataset ``repo`` at one commit.

    ``token`` makes the repo private (a request to the Hub without ``Bearer <token>`` gets
    401); ``ranges=False`` makes storage ignore ``Range``. Both may change while serving.
    """

    def __init__(
        self,
        files: Mapping[str, Path],
        *,
        repo: str = DEFAULT_REPO,
        token: str | None = None,
        ranges: bool = True,
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.repo = repo
        self.token = token
        self.ranges = ranges
        self.page_size = page_size
        self.entries = {path: _entry(path, Path(local)) for path, local in sorted(files.items())}
        self.commit = hashlib.sha1(
            "".join(e.sha256 for e in self.entries.values()).encode()
        ).hexdigest()
        self.requests: list[Served] = []
        self._lock = threading.Lock()
        self._servers: list[_Server] = []

    @classmethod
    def from_folder(cls, folder: Path, **options: Any) -> ArchiveHub:
        files = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
        return cls(files, **options)

    # ---- lifecycle

    def start(self) -> ArchiveHub:
        self._servers = [_Server("hub", self), _Server("storage", self)]
        for server in self._servers:
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            ).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self) -> ArchiveHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The Hub's origin: what HF_ENDPOINT is set to."""
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def storage_url(self) -> str:
        """Storage's origin: the same machine under another name and port."""
        return f"http://localhost:{self._servers[1].server_address[1]}"

    # ---- what tests read

    def record(self, served: Served) -> None:
        with self._lock:
            self.requests.append(served)

    def bytes_served(self, path: str | None = None) -> int:
        """Body bytes storage sent, for one file (its path in the repo) or all."""
        sha256 = self.entries[path].sha256 if path else None
        with self._lock:
            return sum(
                r.body_bytes
                for r in self.requests
                if r.server == "storage" and (sha256 is None or r.path.endswith(sha256))
            )

    # ---- the Hub

    def answer_hub(self, method: str, path: str, query: str, form: str, reply: _Reply) -> None:
        params = parse_qs(query)
        prefix = f"/api/datasets/{self.repo}"
        if (
            self.token is not None
            and reply.handler.headers.get("Authorization") != f"Bearer {self.token}"
        ):
            reply.error(401, "RepoNotFound", "Invalid credentials in Authorization header")
        elif path in (prefix, f"{prefix}/"):
            self.answer_info(reply)
        elif path.startswith(f"{prefix}/revision/"):
            if self.known_revision(path.removeprefix(f"{prefix}/revision/")):
                self.answer_info(reply)
            else:
                reply.error(404, "RevisionNotFound", "Invalid rev id")
        elif path.startswith(f"{prefix}/tree/"):
            revision, _, folder = path.removeprefix(f"{prefix}/tree/").partition("/")
            self.answer_tree(revision, folder.strip("/"), params, reply)
        elif path.startswith(f"{prefix}/paths-info/") and method == "POST":
            revision = path.removeprefix(f"{prefix}/paths-info/")
            self.answer_paths_info(revision, parse_qs(form).get("paths", []), reply)
        elif path.startswith(f"/datasets/{self.repo}/resolve/"):
            revision, _, file_path = path.removeprefix(f"/datasets/{self.repo}/resolve/").partition(
                "/"
            )
            self.answer_resolve(revision, file_path, reply)
        elif path.startswith(("/api/datasets/", "/datasets/")):
            reply.error(404, "RepoNotFound", "Repository not found")
        else:
            reply.error(404, "EntryNotFound", f"no route for {path}")

    def known_revision(self, revision: str) -> bool:
        return revision in ("main", self.commit)

    def answer_info(self, reply: _Reply) -> None:
        reply.json(
            200,
            {
                "_id": "66a0f0f0f0f0f0f0f0f0f0f0",
                "id": self.repo,
                "author": self.repo.split("/")[0],
                "sha": self.commit,
                "private": self.token is not None,
                "siblings": [{"rfilename": path} for path in self.entries],
            },
        )

    def tree(self, folder: str, recursive: bool) -> list[dict[str, Any]]:
        below = [p for p in self.entries if not folder or p.startswith(folder + "/")]
        if not below and folder:
            return []
        items: dict[str, dict[str, Any]] = {}
        start = len(folder) + 1 if folder else 0
        for path in below:
            parts = path[start:].split("/")
            depth = len(parts) if recursive else 1
            for level in range(1, min(depth, len(parts)) + 1):
                sub = path[:start] + "/".join(parts[:level])
                if level == len(parts):
                    items[sub] = self.entries[path].info()
                else:
                    oid = hashlib.sha1(sub.encode()).hexdigest()
                    items.setdefault(sub, {"type": "directory", "oid": oid, "size": 0, "path": sub})
        return [items[key] for key in sorted(items)]

    def answer_tree(
        self, revision: str, folder: str, params: dict[str, list[str]], reply: _Reply
    ) -> None:
        if not self.known_revision(revision):
            reply.error(404, "RevisionNotFound", "Invalid rev id")
            return
        if folder in self.entries:
            reply.error(400, "EntryNotFound", f"{folder} is a file, not a folder")
            return
        recursive = params.get("recursive", ["false"])[0].lower() in ("1", "true")
        listing = self.tree(folder, recursive)
        if folder and not listing:
            reply.error(404, "EntryNotFound", f"{folder} does not exist on {revision}")
            return
        cursor = params.get("cursor", [""])[0]
        start = int(base64.urlsafe_b64decode(cursor).decode()) if cursor else 0
        page = listing[start : start + self.page_size]
        headers = {}
        if start + self.page_size < len(listing):
            nxt = base64.urlsafe_b64encode(str(start + self.page_size).encode()).decode()
            tree = f"{self.url}/api/datasets/{self.repo}/tree/{quote(revision)}"
            if folder:
                tree += "/" + quote(folder, safe="")
            link = f"{tree}?recursive={str(recursive).lower()}&expand=false&cursor={nxt}"
            headers["Link"] = f'<{link}>; rel="next"'
        reply.json(200, page, headers)

    def answer_paths_info(self, revision: str, paths: list[str], reply: _Reply) -> None:
        if not self.known_revision(revision):
            reply.error(404, "RevisionNotFound", "Invalid rev id")
            return
        found = []
        for path in paths:
            if path in self.entries:
                found.append(self.entries[path].info())
            elif any(p.startswith(path.rstrip("/") + "/") for p in self.entries):
                oid = hashlib.sha1(path.encode()).hexdigest()
                found.append({"type": "directory", "oid": oid, "size": 0, "path": path})
        reply.json(200, found)

    def answer_resolve(self, revision: str, path: str, reply: _Reply) -> None:
        entry = self.entries.get(path)
        if not self.known_revision(revision):
            reply.error(404, "RevisionNotFound", "Invalid rev id")
        elif entry is None:
            reply.json(
                404,
                {"error": "Entry not found"},
                {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": self.commit},
            )
        elif entry.is_lfs:
            # The Hub signs a storage URL and redirects; the file's own metadata rides on
            # this 302, since a client must not take its token along to read it.
            signed = f"{self.storage_url}/blobs/{entry.sha256}?X-Signature=test&expires=1"
            reply.head(
                302,
                {
                    "Location": signed,
                    "X-Repo-Commit": self.commit,
                    "ETag": f'"{entry.git_oid}"',
                    "X-Linked-Etag": f'"{entry.sha256}"',
                    "X-Linked-Size": str(entry.size),
                    "Content-Length": "0",
                },
            )
        else:
            data = entry.local.read_bytes()
            reply.head(
                200,
                {
                    "Content-Length": str(len(data)),
                    "X-Repo-Commit": self.commit,
                    "ETag": f'"{entry.git_oid}"',
                    "Content-Type": "application/octet-stream",
                },
            )
            reply.body(data)

    # ---- storage

    def answer_storage(self, method: str, path: str, handler: _Handler, reply: _Reply) -> None:
        sha256 = path.removeprefix("/blobs/")
        entry = next((e for e in self.entries.values() if e.sha256 == sha256), None)
        if entry is None or method == "POST":
            reply.error(404, "NotFound", "no such blob")
            return
        headers = {
            "Content-Type": "application/octet-stream",
            "ETag": f'"{entry.sha256}"',
        }
        start, end = 0, entry.size - 1
        requested = handler.headers.get("Range")
        status = 200
        if self.ranges:
            headers["Accept-Ranges"] = "bytes"
            match = _RANGE.match(requested or "")
            if match and (match[1] or match[2]):
                if match[1]:
                    start = int(match[1])
                    end = min(int(match[2]), end) if match[2] else end
                else:  # a suffix: the last N bytes
                    start = max(entry.size - int(match[2]), 0)
                if start >= entry.size:
                    headers["Content-Range"] = f"bytes */{entry.size}"
                    reply.head(416, {**headers, "Content-Length": "0"})
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{end}/{entry.size}"
        headers["Content-Length"] = str(end - start + 1)
        reply.head(status, headers)
        for block in _read(entry.local, start, end + 1):
            reply.body(block)


def _read(path: Path, start: int, stop: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = stop - start
        while left > 0 and (block := handle.read(min(CHUNK, left))):
            left -= len(block)
            yield block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.archive_hub",
        description="Serve a folder as a Hub dataset repo (tree, paths-info, resolve with a "
        "redirect to a storage server that answers Range requests) on 127.0.0.1.",
    )
    parser.add_argument("--folder", type=Path, required=True, help="the repo's files")
    parser.add_argument("--repo", default=DEFAULT_REPO, help="repo id (default: %(default)s)")
    parser.add_argument("--no-ranges", action="store_true", help="storage ignores Range")
    args = parser.parse_args(argv)
    hub = ArchiveHub.from_folder(args.folder, repo=args.repo, ranges=not args.no_ranges).start()
    print(f"HF_ENDPOINT={hub.url} (storage at {hub.storage_url})", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        hub.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
