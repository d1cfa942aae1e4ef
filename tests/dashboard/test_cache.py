"""The screen cache: keyed by question, data version and scope; in-process or Redis."""
from __future__ import annotations

import json
import socket
from datetime import date

import pytest
from dash._utils import to_json

from config.settings import load_settings
from dashboard import cache as screen_cache, context, data
from tests.dashboard.conftest import request_as
from warehouse.metrics import Period
from warehouse.scope import Scope

PERIOD = Period(date(2026, 1, 1), date(2026, 10, 31))


def test_the_key_changes_with_the_question_the_data_version_and_the_scope():
    base = screen_cache.key("metric", {"name": "dossier_on_time_rate", "by": ["unit"]}, "v1", None)
    assert base == screen_cache.key("metric", {"by": ["unit"], "name": "dossier_on_time_rate"}, "v1", None)
    assert base != screen_cache.key("metric", {"name": "dossier_on_time_rate", "by": ["field"]}, "v1", None)
    assert base != screen_cache.key("metric", {"name": "dossier_on_time_rate", "by": ["unit"]}, "v2", None)
    scoped = screen_cache.key("metric", {"name": "dossier_on_time_rate", "by": ["unit"]}, "v1", {"B01"})
    assert base != scoped
    assert scoped == screen_cache.key("metric", {"name": "dossier_on_time_rate", "by": ["unit"]}, "v1", ["B01"])


def _counting(monkeypatch):
    calls = []
    real = data.query

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(data, "query", counted)
    return calls


def test_a_second_request_for_the_same_metric_is_served_from_the_cache(dash_app, monkeypatch):
    calls = _counting(monkeypatch)
    with request_as(dash_app.server):
        context.cache().clear()
        first = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
        second = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
        other = data.metric("dossier_on_time_rate", PERIOD, by=("field",))
    assert calls == ["dossier_on_time_rate", "dossier_on_time_rate"]  # unit once, field once
    assert first.equals(second) and not first.equals(other)


def test_another_scope_is_never_served_a_cached_answer(dash_app, monkeypatch):
    calls = _counting(monkeypatch)
    with request_as(dash_app.server):
        context.cache().clear()
        everyone = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
        monkeypatch.setattr(context, "scope", lambda: Scope(frozenset({everyone["unit_code"].iloc[0]})))
        scoped = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
    assert len(calls) == 2
    assert len(scoped) == 1 and len(everyone) > 1


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379 (the production cache backend)")
def test_the_redis_backend_shares_answers_between_workers(demo, monkeypatch):
    """Two app instances (two web workers) on the same Redis: the second gets the first's answer."""
    import flask
    import redis

    settings = load_settings(**{**demo[0].model_dump(), "cache": "redis",
                                "cache_redis_url": "redis://127.0.0.1:6379/15"})
    client = redis.Redis.from_url(settings.cache_redis_url)
    client.flushdb()
    workers = []
    for _ in range(2):
        server = flask.Flask("worker")
        from warehouse.snapshots import Reader
        server.extensions[context.EXTENSION] = {"settings": settings, "reader": Reader(settings),
                                                "cache": screen_cache.make_cache(server, settings)}
        workers.append(server)
    calls = _counting(monkeypatch)
    with request_as(workers[0]):
        first = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
    keys = [k.decode() for k in client.keys("opscenter:*")]
    assert any(k.startswith("opscenter:metric:") for k in keys)
    with request_as(workers[1]):
        second = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
    assert calls == ["dossier_on_time_rate"]
    assert first.equals(second)
    client.flushdb()


def test_a_cache_that_is_down_is_skipped_not_an_error(demo, monkeypatch):
    import flask

    from warehouse.snapshots import Reader

    settings = load_settings(**{**demo[0].model_dump(), "cache": "redis",
                                "cache_redis_url": "redis://127.0.0.1:1/0"})
    server = flask.Flask("worker")
    server.extensions[context.EXTENSION] = {"settings": settings, "reader": Reader(settings),
                                            "cache": screen_cache.make_cache(server, settings)}
    with request_as(server):
        frame = data.metric("dossier_on_time_rate", PERIOD)
    assert frame["denominator"].iloc[0] > 0


def test_a_page_seen_before_on_the_same_data_is_not_built_again(dash_app, monkeypatch):
    from layouts.overview import layout

    calls = _counting(monkeypatch)
    with request_as(dash_app.server):
        context.cache().clear()
        first = layout(**{"from": "2026-01-01", "to": "2026-10-31"})
        built = len(calls)
        second = layout(**{"from": "2026-01-01", "to": "2026-10-31"})
        other = layout(**{"from": "2026-01-01", "to": "2026-09-30"})
    assert built > 0 and len(calls) > built  # the other period was built, the same one was not
    assert second == json.loads(to_json(first))  # the kept JSON form of the same page
    assert "30/09/2026" in str(other) and "30/09/2026" not in str(second)


def test_warming_builds_the_default_views_so_the_first_visitor_gets_them_cached(dash_app, monkeypatch):
    from dashboard.warmup import warm
    from layouts.overview import layout

    with request_as(dash_app.server):
        context.cache().clear()
    assert warm(dash_app) >= 10  # five screens and the wall, in two languages
    calls = _counting(monkeypatch)
    with request_as(dash_app.server):
        page = layout()
    assert calls == [] and isinstance(page, dict)  # the kept JSON form, nothing queried


def test_metrics_of_one_family_and_cut_share_one_read(dash_app, monkeypatch):
    from warehouse import metrics

    reads = []
    real = metrics.family_frame
    monkeypatch.setattr(metrics, "family_frame", lambda family, *a, **k: reads.append(family.name) or real(family, *a, **k))
    with request_as(dash_app.server):
        context.cache().clear()
        on_time = data.metric("dossier_on_time_rate", PERIOD, by=("unit",))
        overdue = data.metric("dossier_overdue_open", PERIOD, by=("unit",))
        tasks = data.metric("task_overdue", PERIOD, by=("unit",))
    assert reads == ["dossier", "task"]
    direct = metrics.query("dossier_overdue_open", PERIOD, by=("unit",), scope=Scope.everything(), reader=context_reader(dash_app))
    assert overdue.equals(direct) and not on_time.equals(overdue) and len(tasks)


def context_reader(app):
    return app.server.extensions[context.EXTENSION]["reader"]
