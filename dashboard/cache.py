"""Screen cache: answers keyed by what was asked, the data version and the user's scope.

The data version is in every key, so a new snapshot makes every earlier answer unreachable
without any invalidation; the scope is in every key, so one user's answer is never served
to a user who may see fewer units. In-process by default; Redis when several web workers
must share it (``OPSCENTER_CACHE=redis``).
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Callable, Iterable, TypeVar

from flask_caching import Cache

from warehouse.scope import Scope

T = TypeVar("T")
log = logging.getLogger(__name__)

BACKENDS = {
    "simple": {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 5000},
    "redis": {"CACHE_TYPE": "RedisCache", "CACHE_KEY_PREFIX": "opscenter:"},
    "none": {"CACHE_TYPE": "NullCache"},
}


def make_cache(server, settings) -> Cache:
    config = {**BACKENDS[settings.cache], "CACHE_DEFAULT_TIMEOUT": settings.cache_seconds}
    if settings.cache == "redis":
        config["CACHE_REDIS_URL"] = settings.cache_redis_url
    return Cache(server, config=config)


def key(kind: str, params: dict, version: str, scope: Scope | Iterable[str] | None) -> str:
    """A stable key: the same question on the same data for the same scope (a ``Scope``,
    or unit codes; None or ``Scope.everything()``: every unit)."""
    units = scope.key if isinstance(scope, Scope) else None if scope is None else sorted(scope)
    text = json.dumps([kind, params, version, units],
                      sort_keys=True, default=str, ensure_ascii=False)
    return f"{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def cached(store: Cache, kind: str, params: dict, compute: Callable[[], T], *, version: str, scope: Scope,
           encode: Callable[[T], object] | None = None):
    """``compute()`` once per key; a cache that is down is skipped, never an error.

    ``encode`` turns the answer into what is kept (a page into its JSON form, which is
    read back far faster than its components); a hit returns the kept form.
    """
    name = key(kind, params, version, scope)
    try:
        value = store.get(name)
    except Exception as exc:  # noqa: BLE001 - a cache outage must not take the screens down
        log.warning("screen cache unavailable, answering without it: %s", exc)
        value = None
    if value is None:
        value = compute()
        try:
            store.set(name, encode(value) if encode else value)
        except Exception as exc:  # noqa: BLE001
            log.warning("screen cache unavailable, answer not kept: %s", exc)
    return value
