"""Text fit for a terminal or a log: no URL credentials, no control characters.

Every log line of every command passes through `SafeFormatter` (hf_common.cli sets it up), so a
URL's userinfo (an endpoint's `user:password@`, a server's Link) is never echoed, and a server's
error body cannot move the cursor, recolour the terminal or forge a log line with CR/LF.
"""

from __future__ import annotations

import logging
import re

# scheme://<anything up to the last @ of the word>: userinfo may hold an unescaped @ or / when
# a user typed it, and hiding a little too much of a URL is harmless.
USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s'\"<>]*@")

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROL}


def redact_userinfo(text: str) -> str:
    """`text` with the credentials of every URL in it replaced by `***`."""
    return USERINFO.sub(r"\1***@", text)


def printable(text: str) -> str:
    """`text` with every control character written as an escape (`\\x1b`, `\\x0a`)."""
    return text.translate(_ESCAPES)


def safe(text: str) -> str:
    return printable(redact_userinfo(text))


class SafeFormatter(logging.Formatter):
    """Formats a record's message with `safe`; a traceback (debugging only) is left as it is."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = safe(record.message)
        return super().formatMessage(record)
