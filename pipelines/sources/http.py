"""Records from a JSON API: pages followed by number or by next link, with retries.

A 5xx answer, a refused connection, a timeout or a page that is not JSON is retried with
exponential backoff (``pipelines.sources.retry``, shared with the SQL source); a ``429``
waits as long as its ``Retry-After`` says. When the retries run out the run fails
with the last problem named, and nothing of it is committed. ``file://`` URLs read JSON
pages from disk (the demo's task feed) through the same code.
"""
from __future__ import annotations

import email.utils
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timezone

import pandas as pd

from pipelines import parse
from pipelines.sources import retry
from pipelines.sources.batch import Batch, SourceUnavailable
from pipelines.sources.mapping import to_canonical

RETRY_STATUSES = {500, 502, 503, 504}


def _dig(item, path: str):
    for part in path.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(part)
    return item


def _retry_after(value: str | None) -> float | None:
    """The seconds a ``Retry-After`` asks for (a number or a date), None when it says nothing."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _with_params(url: str, params: dict) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not params:
        return url
    query = urllib.parse.parse_qsl(parts.query) + [(k, str(v)) for k, v in params.items() if v is not None]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def fetch_json(source, url: str, sleep=time.sleep):
    """One page as parsed JSON, retrying what is worth retrying (``retry.with_backoff``)."""
    headers = {"Accept": "application/json", "User-Agent": "opscenter-pipelines"}
    token = source.token()
    if source.auth == "bearer":
        headers["Authorization"] = f"Bearer {token}"
    elif source.auth == "header":
        headers[source.header] = token

    def attempt():
        try:
            request = urllib.request.Request(url, headers=headers)
            with urllib.request.urlopen(request, timeout=source.timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code} {exc.reason}"
            if exc.code == 429:
                raise retry.TryAgain(problem, after=_retry_after(exc.headers.get("Retry-After"))) from None
            if exc.code not in RETRY_STATUSES:
                raise SourceUnavailable(f"{source.name}: GET {url} answered {problem}") from None
            raise retry.TryAgain(problem) from None
        except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            problem = f"timed out after {source.timeout_seconds:g} s" if isinstance(
                reason, (TimeoutError, socket.timeout)) else f"{type(reason).__name__}: {reason}"
            if url.startswith("file:"):
                raise SourceUnavailable(f"{source.name}: cannot read {url}: {problem}") from None
            raise retry.TryAgain(problem) from None
        try:
            return json.loads(body)
        except ValueError as exc:  # a proxy's error page: worth another try
            raise retry.TryAgain(f"not JSON ({exc}): {body[:80]!r}") from None

    return retry.with_backoff(attempt, source, f"{source.name}: GET {url}", sleep)


def _page_urls(source, since) -> Iterator[str]:
    base = {source.since_param: since} if source.since_param and since is not None else {}
    if source.pagination == "page":
        number = source.first_page
        while True:
            params = {**base, source.page_param: number}
            if source.page_size_param:
                params[source.page_size_param] = source.page_size
            yield _with_params(source.url, params)
            number += 1
    else:
        yield _with_params(source.url, base)


def _order(value):
    """Watermarks compare as instants when they read as times, else as they are."""
    try:
        return (0, parse.timestamp(str(value)), "")
    except parse.BadValue:
        return (1, datetime.min, str(value))


def batches(source, since=None, on_total=None, sleep=time.sleep) -> Iterator[Batch]:
    natives = sorted(set(source.columns.values()))
    watermark, read, seen, previous = since, 0, set(), None
    pages = _page_urls(source, since)
    url = next(pages)
    while url:
        if url in seen:
            raise SourceUnavailable(f"{source.name}: page {url} links back to a page already read")
        seen.add(url)
        page = fetch_json(source, url, sleep)
        items = _dig(page, source.items) if isinstance(page, dict) else page
        if not isinstance(items, list):
            raise SourceUnavailable(f"{source.name}: {url} has no list at '{source.items}'")
        if items and items == previous:
            raise SourceUnavailable(f"{source.name}: {url} repeats the previous page (is '{source.page_param}' ignored?)")
        previous = items
        if items:
            native = pd.DataFrame({n: [_dig(item, n) for item in items] for n in natives})
            if source.watermark:
                values = [v for v in (_dig(item, source.watermark) for item in items) if v not in (None, "")]
                if values:
                    top = max(values, key=_order)
                    if watermark is None or _order(top) > _order(watermark):
                        watermark = top
            yield Batch(to_canonical(native, source, read + 1, f"{source.name}:{url}"), watermark)
            read += len(items)
        if source.pagination == "next":
            link = _dig(page, source.next) if isinstance(page, dict) else None
            url = urllib.parse.urljoin(url, link) if link else None
        elif source.pagination == "page" and items:
            url = next(pages)
        else:
            url = None
