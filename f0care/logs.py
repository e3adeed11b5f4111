"""Logging for every entry point (`f0care`, gunicorn): text or JSON lines, never health data.

`setup_logging` gives the root logger one handler (stderr) with `MaskingFilter`, and adds that
filter to gunicorn's own handlers: every record that is written out (the application's,
SQLAlchemy's, werkzeug's, gunicorn's) has its phone numbers cut to their last 3 digits and its
six-digit codes blanked (models.redact.mask), in the message, its arguments and the exception
text. The database engines never log SQL parameters either (models.db: hide_parameters).
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

from models.redact import mask

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access")  # they have handlers of their own
_OURS = "_f0care_handler"  # marks the root handler this module installed


def mask_record(record: logging.LogRecord) -> None:
    """Mask phones and codes in the record's message (arguments merged in) and exception text."""
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: logging's own error report shows it; keep the record as is
        return
    record.msg, record.args = mask(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = _EXCEPTIONS.formatException(record.exc_info)
    if record.exc_text:  # formatted here, or earlier by another handler
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)


class MaskingFilter(logging.Filter):
    """Masks each record it sees (see `mask_record`) and lets it through."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is when a record comes (a test runner may swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message and exception."""

    def format(self, record: logging.LogRecord) -> str:
        item: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(self.formatException(record.exc_info))
        if record.exc_text:
            item["exception"] = record.exc_text
        if record.stack_info:
            item["stack"] = record.stack_info
        return json.dumps(item, ensure_ascii=False)


_EXCEPTIONS = logging.Formatter()


def formatter(fmt: LogFormat) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def setup_logging(fmt: LogFormat = "text", level: int = logging.INFO) -> None:
    """Log to stderr in `fmt`, masked; called again once the config is read (it replaces its handler)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(old)
    handler = _StderrHandler(sys.stderr)
    setattr(handler, _OURS, True)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(MaskingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for name in _SERVER_LOGGERS:  # gunicorn's, in a worker (they do not propagate to the root)
        for server_handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in server_handler.filters):
                server_handler.addFilter(MaskingFilter())
            if fmt == "json":
                server_handler.setFormatter(JsonFormatter())
