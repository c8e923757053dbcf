"""gunicorn settings for serving supplier_dd in production: checks made before any worker
starts, so a configuration that cannot work stops the server with a message instead.

    gunicorn -c python:supplier_dd.web.gunicorn_config -w 4 -b 127.0.0.1:8000 \
        'supplier_dd:create_app()'
"""

from __future__ import annotations

from supplier_dd.config import ConfigError, load_settings, require_shared_rate_limits


def on_starting(server) -> None:
    try:
        require_shared_rate_limits(load_settings(), server.cfg.workers)
    except ConfigError as error:
        # gunicorn prints a RuntimeError as "Error: ..." and exits 1, without a traceback.
        raise RuntimeError(f"Configuration error: {error}") from None
