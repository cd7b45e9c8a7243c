"""A URL's userinfo is never echoed, in any message (issue 23, item 2)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from hf_common.safe_text import redact_userinfo
from tests.conftest import ingest
from tests.test_ingest_faults import error_lines, hostile_server

BAD_ENDPOINTS = [
    "ftp://user:ftpSECRETpw@127.0.0.1/",
    "http://user:SECRETpw@",
    "http://u:SECRETx@[::1",
    "http://u:SECRETx@127.0.0.1:port/",
    "http://u:SECRET@127.0.0.1:99999/",
]


@pytest.mark.parametrize("endpoint", BAD_ENDPOINTS)
@pytest.mark.parametrize("via", ["HF_ENDPOINT", "--endpoint"])
def test_a_bad_endpoint_is_refused_without_its_password(
    tmp_path: Path, endpoint: str, via: str
) -> None:
    args = ("--endpoint", endpoint) if via == "--endpoint" else ()
    env = {"HF_ENDPOINT": endpoint} if via == "HF_ENDPOINT" else {}
    result = ingest(tmp_path / "w.duckdb", *args, env=env, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "SECRET" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "error:" in line]
    assert via in line and "***@" in line


def served_page(handler: BaseHTTPRequestHandler, body: bytes, link: str | None) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    if link:
        handler.send_header("Link", f'<{link}>; rel="next"')
    handler.end_headers()
    handler.wfile.write(body)


def test_credentials_in_the_endpoint_or_a_link_never_reach_the_log(tmp_path: Path) -> None:
    """Page 1's Link carries user:password@; page 2 fails: the error names page 2's URL."""
    base: list[str] = []

    def respond(handler: BaseHTTPRequestHandler, _: threading.Event) -> None:
        if "cursor" not in handler.path:
            link = base[0].replace("://", "://bob:LINKSECRET@") + "/api/models?cursor=2"
            served_page(handler, b'[{"id": "a/b"}]', link)
        else:
            body = b"not here"
            handler.send_response(404)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    with hostile_server(respond) as url:
        base.append(url)
        endpoint = url.replace("://", "://alice:ENDPOINTSECRET@")
        result = ingest(tmp_path / "w.duckdb", "--endpoint", endpoint, "--all", "-v", check=False)
    assert result.returncode == 4
    assert "SECRET" not in result.stderr and "Traceback" not in result.stderr
    (error,) = error_lines(result.stderr)
    assert "page 2" in error and "HTTP 404" in error and "***@" in error


def test_redaction_keeps_the_rest_of_the_url() -> None:
    text = "see http://u:p@h:1/x?y=1 and https://h/ok"
    assert redact_userinfo(text) == "see http://***@h:1/x?y=1 and https://h/ok"
