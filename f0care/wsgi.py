"""The WSGI entry for gunicorn: web only (run `f0care worker` and one `f0care scheduler` beside it).

gunicorn -c gunicorn.conf.py f0care.wsgi:app

The worker refuses to boot on an address beyond loopback (F0CARE_BIND, as gunicorn.conf.py reads
it) with the console provider or the development secret key, unless F0CARE_INSECURE_DEV=1.
"""

from __future__ import annotations

import gc
import os

from flask import Flask

from f0care.app import create_app
from f0care.config import ConfigError, load_config
from f0care.config.exposure import bind_host, listening_problems
from f0care.logs import setup_logging
from f0care.runtime import build_runtime

DEFAULT_BIND = "127.0.0.1:8000"  # gunicorn.conf.py's


def make_app() -> Flask:
    """Built in each worker after fork: one engine (connection pool) per process."""
    setup_logging()
    config = load_config(os.environ.get("F0CARE_CONFIG"))
    setup_logging(config.logging.format)
    binds = os.environ.get("F0CARE_BIND", DEFAULT_BIND).split(",")
    insecure = os.environ.get("F0CARE_INSECURE_DEV") == "1"
    problems = [line for bind in binds for line in listening_problems(config, bind_host(bind.strip()), insecure)]
    if problems:
        raise ConfigError("refusing to start:\n" + "\n".join(f"  {line}" for line in problems))
    runtime = build_runtime(config, outbox_mode="external")
    app = create_app(runtime)
    # What start-up built (modules, config, templates, the reader's tables) lives as long as the
    # worker: out of the collector's way, so a request's garbage is collected without walking it.
    gc.collect()
    gc.freeze()
    return app


app = make_app()
