"""After each publish, build the screens' default views in the background, in both
languages, so that the first person to open a screen after new data arrives (a minister
at 8 a.m., the wall after its reload) does not wait for a cold build."""
from __future__ import annotations

import logging
import threading
import time

import dash

from dashboard.auth.roles import system
from dashboard.context import EXTENSION, acting_in
from dashboard.i18n import LANGUAGES
from warehouse.snapshots import NoSnapshot

log = logging.getLogger(__name__)
SKIPPED = ("unit", "data", "access", "audit", "briefs")  # a unit's page needs a unit; the rest are never cached
WARMED_ROLES = ("leader", "office", "analyst")  # the roles that see every unit


def warm(app: dash.Dash) -> int:
    """Render each screen's default view once per language for each ministry-wide role
    that opens it (pages are cached per set of rights); returns the views built."""
    built = 0
    for page in dash.page_registry.values():
        if page["name"] in SKIPPED:
            continue
        for role in WARMED_ROLES:
            who = system("warm-up", role)
            if not who.can(page["right"]):
                continue
            for language in LANGUAGES:
                with acting_in(app.server, who, language):
                    page["layout"]()
                built += 1
    return built


def start_background(app: dash.Dash, every_seconds: float = 10.0) -> threading.Thread:
    """Watch the data version; warm the cache whenever it changes (and once at start)."""
    reader = app.server.extensions[EXTENSION]["reader"]

    def loop():
        seen = None
        while True:
            try:
                version = reader.version
                if version != seen:
                    started = time.perf_counter()
                    built = warm(app)
                    seen = version
                    log.info("warmed %d views of data version %s in %.1f s", built, version,
                             time.perf_counter() - started)
            except NoSnapshot:
                pass
            except Exception:  # noqa: BLE001 - warming is an optimisation; the screens still work
                log.exception("warming the screen cache failed")
            time.sleep(every_seconds)

    thread = threading.Thread(target=loop, name="opscenter-warmup", daemon=True)
    thread.start()
    return thread
