"""Logging for every entry point (`f0care`, gunicorn): text or JSON lines, never health data.

`setup_logging` installs a filter on every record at its creation (a record factory, so that
records of every logger and handler are covered: the application's, SQLAlchemy's, werkzeug's
and gunicorn's): phone numbers keep only their last 3 digits and six-digit codes are blanked
(models.redact.mask) in the message, its arguments and the exception text. The database
engines never log SQL parameters either (models.db: hide_parameters).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
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
        record.exc_text = mask(_EXCEPTIONS.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = mask(record.stack_info)


class _MaskingFactory:
    """The record factory: the previous one's record, masked."""

    def __init__(self, previous: Callable[..., logging.LogRecord]) -> None:
        self.previous = previous

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        mask_record(record)
        return record


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


def install_masking() -> None:
    """Mask every log record created from now on in this process (idempotent)."""
    factory = logging.getLogRecordFactory()
    if not isinstance(factory, _MaskingFactory):
        logging.setLogRecordFactory(_MaskingFactory(factory))


def formatter(fmt: LogFormat) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def setup_logging(fmt: LogFormat = "text", level: int = logging.INFO) -> None:
    """Log to stderr in `fmt`, masked; called again once the config is read (it replaces its handler)."""
    install_masking()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    setattr(handler, _OURS, True)
    handler.setFormatter(formatter(fmt))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if fmt == "json":
        for name in _SERVER_LOGGERS:  # gunicorn's (in a worker); none outside gunicorn
            for server_handler in logging.getLogger(name).handlers:
                server_handler.setFormatter(JsonFormatter())
