"""Sources as data: ``config/sources.toml`` read into typed entries, one per source.

Each entry says where a dataset comes from (an SQL database, a JSON API or an inbox of
files), how its native columns map onto the canonical record of DOMAIN.md and how fresh it
must be. Paths and URLs may name ``{data_dir}`` and ``{demo_dir}``; secrets never sit in
the file: a source names the environment variable that holds its URL or token.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from pipelines.records import DATASETS


class SourceConfigError(ValueError):
    """The sources file cannot be used; the message names the file, source and field."""


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    dataset: Literal["units", "procedures", "dossiers", "tasks", "budget"]
    freshness_minutes: int = Field(1440, ge=1, description="Older than this raises the stale-data alarm.")
    demo: bool = Field(False, description="A demo system: advanced before each run in demo mode.")
    columns: dict[str, str] = Field(description="canonical column -> native column (dotted path in JSON)")
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="canonical column -> {native value: canonical value}")
    record_url: str | None = Field(
        None, description="a record's page in the source system, {<key column>} replaced: lists link to it")

    @model_validator(mode="after")
    def _columns_exist(self):
        known = set(DATASETS[self.dataset].column_names)
        unknown = (set(self.columns) | set(self.values)) - known
        if unknown:
            raise ValueError(f"not columns of {self.dataset}: {', '.join(sorted(unknown))}")
        missing = [c for c in DATASETS[self.dataset].required_names if c not in self.columns]
        if missing:
            raise ValueError(f"required columns not mapped: {', '.join(missing)}")
        keys = DATASETS[self.dataset].keys
        if self.record_url is not None and (len(keys) != 1 or "{" + keys[0] + "}" not in self.record_url
                                            or not self.record_url.startswith(("https://", "http://"))):
            raise ValueError(f"record_url must be an http(s) address holding {{{keys[0]}}}")
        return self


class _Retried(_Source):
    """A source across a network: what fails for a moment is tried again (``retry``)."""

    retries: int = Field(5, ge=0, description="tries after the first when the source is down")
    backoff_seconds: float = Field(1.0, ge=0, description="the first wait, doubled at each try")
    max_backoff_seconds: float = Field(60, ge=0, description="the longest wait")


class SqlSource(_Retried):
    kind: Literal["sql"]
    url: str | None = Field(None, description="SQLAlchemy URL")
    url_env: str | None = Field(None, description="environment variable holding the URL")
    table: str | None = None
    query: str | None = Field(None, description="a SELECT used instead of a table")
    watermark: str | None = Field(None, description="native column: only rows at or after the last maximum")
    chunk_rows: int = Field(50_000, ge=100)

    @model_validator(mode="after")
    def _where(self):
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url, url_env")
        if (self.table is None) == (self.query is None):
            raise ValueError("give exactly one of table, query")
        return self

    def resolved_url(self) -> str:
        if self.url_env:
            value = os.environ.get(self.url_env)
            if not value:
                raise SourceConfigError(f"source {self.name}: environment variable {self.url_env} is not set")
            return value
        return self.url


class HttpSource(_Retried):
    kind: Literal["http"]
    url: str
    items: str = Field("data", description="dotted path of the list of records in a page")
    pagination: Literal["next", "page", "none"] = "next"
    next: str = Field("next", description="dotted path of the next page's URL (pagination = next)")
    page_param: str = "page"
    first_page: int = 1
    page_size_param: str | None = "page_size"
    page_size: int = Field(500, ge=1)
    since_param: str | None = Field(None, description="query parameter carrying the watermark")
    watermark: str | None = Field(None, description="native field whose maximum becomes the next since")
    auth: Literal["none", "bearer", "header"] = "none"
    header: str = Field("X-API-Key", description="header carrying the key (auth = header)")
    token_env: str | None = Field(None, description="environment variable holding the token or key")
    timeout_seconds: float = Field(30, gt=0)

    @model_validator(mode="after")
    def _auth(self):
        if self.auth != "none" and not self.token_env:
            raise ValueError(f"auth = {self.auth} needs token_env")
        return self

    def token(self) -> str | None:
        if not self.token_env:
            return None
        value = os.environ.get(self.token_env)
        if not value:
            raise SourceConfigError(f"source {self.name}: environment variable {self.token_env} is not set")
        return value


class FilesSource(_Source):
    kind: Literal["files"]
    inbox: Path
    archive: Path
    pattern: str = Field("*.xlsx", description="glob of the files to take from the inbox (*.csv, *.xlsx)")
    sheet: int | str = Field(0, description="sheet index or name of XLSX files")


Source = Annotated[SqlSource | HttpSource | FilesSource, Field(discriminator="kind")]
_SOURCES = TypeAdapter(list[Source])


def _expand(value, places: dict[str, str]):
    if isinstance(value, str):
        for key, place in places.items():
            value = value.replace("{" + key + "}", place)
        return value
    if isinstance(value, dict):
        return {k: _expand(v, places) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, places) for v in value]
    return value


def load_sources(settings) -> dict[str, SqlSource | HttpSource | FilesSource]:
    """The configured sources by name, in file order; a bad entry stops with its reason."""
    path = settings.sources_path
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceConfigError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceConfigError(f"{path}: {exc}") from None
    places = {"data_dir": str(settings.data_dir.resolve()), "demo_dir": str(settings.demo_dir.resolve())}
    entries = _expand(raw.get("source", []), places)
    try:
        sources = _SOURCES.validate_python(entries)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            index = err["loc"][0] if err["loc"] else "?"
            name = entries[index].get("name", f"#{index + 1}") if isinstance(index, int) else "?"
            field = ".".join(str(p) for p in err["loc"][2:])
            lines.append(f"source {name}{' ' + field if field else ''}: {err['msg']}")
        raise SourceConfigError(f"{path}:\n  " + "\n  ".join(lines)) from None
    by_name: dict = {}
    for source in sources:
        if source.name in by_name:
            raise SourceConfigError(f"{path}: source name '{source.name}' is used twice")
        by_name[source.name] = source
    return by_name


def record_urls(settings) -> dict[str, str]:
    """dataset -> the address pattern of its records in the source system (the first
    source of the dataset that gives ``record_url``), for lists to link to."""
    urls: dict[str, str] = {}
    for source in load_sources(settings).values():
        if source.record_url and source.dataset not in urls:
            urls[source.dataset] = source.record_url
    return urls
