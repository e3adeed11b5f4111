"""The WSGI entry for gunicorn: web only (run `f0care worker` and one `f0care scheduler` beside it).

gunicorn -c gunicorn.conf.py f0care.wsgi:app
"""

from __future__ import annotations

import os

from flask import Flask

from f0care.app import create_app
from f0care.config import load_config
from f0care.runtime import build_runtime


def make_app() -> Flask:
    """Built in each worker after fork: one engine (connection pool) per process."""
    config = load_config(os.environ.get("F0CARE_CONFIG"))
    runtime = build_runtime(config, outbox_mode="external")
    return create_app(runtime)


app = make_app()
