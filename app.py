"""Entry point: settings, the embedded default's data, the scheduler, then serve on :8050."""
from __future__ import annotations

import sys

from config.settings import SettingsError, load_settings


def _announce_setup(app, settings) -> None:
    """No default password: while there is no administrator, each start prints a fresh
    one-time link to create the first one."""
    from dashboard.auth.manage import first_admin_link

    token = first_admin_link(app.server.extensions["opscenter"]["db"])
    if token:
        print(f"No administrator yet. Create the first one (link valid 24 hours, once): "
              f"{settings.base_url}/setup/{token}", flush=True)


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    from dashboard.app import create_app
    from dashboard.warmup import start_background as start_warmup
    from pipelines.bootstrap import DemoLoadError, ensure_data
    from pipelines.scheduler import start_background
    from pipelines.sources.config import SourceConfigError
    from warehouse.db import DiskFull

    try:
        version = ensure_data(settings)
    except (SourceConfigError, DemoLoadError, DiskFull) as exc:
        print(f"Cannot load the data: {exc}", file=sys.stderr)
        return 2
    print(f"Data version: {version or 'none (no data published)'}")
    start_background(settings)
    app = create_app(settings)
    _announce_setup(app, settings)
    if settings.warm_cache:
        start_warmup(app)
    print(f"Serving on http://{settings.host}:{settings.port}")
    app.run(host=settings.host, port=settings.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
