"""Secrets never reach the log: tokens in text, in URLs, in tracebacks; feed secrets."""

from __future__ import annotations

import io
import logging

from bot.logs import _RedactingFilter, redact

TOKEN = "1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_redact_tokens_inside_urls_and_text() -> None:
    url = f"https://api.telegram.org/file/bot{TOKEN}/documents/file_1.csv"
    assert TOKEN not in redact(url)
    assert TOKEN not in redact(f"token={TOKEN}")
    assert "xoxb-123-456-abc" not in redact("auth xoxb-123-456-abc failed")
    assert "SeCrEtFeedTokenAbc123xyz" not in redact(
        '"GET /ics/SeCrEtFeedTokenAbc123xyz.ics HTTP/1.1" 200'
    )
    assert redact("task 12:30 done") == "task 12:30 done"


def test_tracebacks_are_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(_RedactingFilter())
    logger = logging.getLogger("planerka.test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        raise RuntimeError(f"download failed: https://api.telegram.org/file/bot{TOKEN}/x")
    except RuntimeError:
        logger.exception("handler failed")
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert "handler failed" in text and "RuntimeError" in text
    assert TOKEN not in text
