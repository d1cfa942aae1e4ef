"""Settings published with the data: ranking weights and minimum samples
(``config/ranking.toml``) and status thresholds (``config/thresholds.toml``).

They are read and checked at publish and stored in the snapshot (``published_setting``),
so a data version always reads with the settings it was made with, and a bad file stops
the publish instead of a screen. The status and small-sample rules that use them live
here, once, for every screen, the wall, alerts, briefs and the API.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from warehouse.ranking import load_weights
from warehouse.registry import METRICS, Metric

DEFAULT_MINIMUM = {"dossiers": 20, "tasks": 5}
DEFAULT_URGING = {"due_soon_working_days": 5, "answer_working_days": 3, "letter_longest_dossiers": 10}
STATUSES = ("good", "watch", "bad")


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_minimum(config_dir: Path) -> dict[str, float]:
    path = Path(config_dir) / "ranking.toml"
    minimum = {**DEFAULT_MINIMUM, **_toml(path).get("minimum", {})}
    if set(minimum) != set(DEFAULT_MINIMUM) or any(not isinstance(v, int) or v < 0 for v in minimum.values()):
        raise ValueError(f"{path}: [minimum] needs whole numbers ≥ 0 for {', '.join(DEFAULT_MINIMUM)}")
    return minimum


def load_thresholds(config_dir: Path) -> dict[str, dict[str, float]]:
    """Every scale the registry's status rules name, with ``good`` and ``watch`` in the
    order their direction needs (watch is the looser limit)."""
    path = Path(config_dir) / "thresholds.toml"
    data = _toml(path)
    rules = {m.status.scale: m.status for m in METRICS}
    thresholds = {}
    for scale, rule in sorted(rules.items()):
        entry = data.get(scale)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), (int, float)) for k in ("good", "watch")):
            raise ValueError(f"{path}: [{scale}] needs numbers good and watch")
        good, watch = float(entry["good"]), float(entry["watch"])
        if (watch < good) if rule.lower_is_better else (watch > good):
            raise ValueError(f"{path}: [{scale}] watch must be looser than good")
        thresholds[scale] = {"good": good, "watch": watch}
    return thresholds


def load_urging(config_dir: Path) -> dict[str, int]:
    """``config/urging.toml``: the due-soon horizon and the urging letters' settings."""
    path = Path(config_dir) / "urging.toml"
    values = {**DEFAULT_URGING, **{k: v for k, v in _toml(path).items() if not isinstance(v, dict)}}
    if set(values) != set(DEFAULT_URGING) or any(
            not isinstance(v, int) or isinstance(v, bool) or v < 1 for v in values.values()):
        raise ValueError(f"{path}: needs whole numbers ≥ 1 for {', '.join(DEFAULT_URGING)}, nothing else")
    return values


def store(con: duckdb.DuckDBPyConnection, config_dir: Path) -> None:
    """Check the configuration and store it in the writer, to be published with the data."""
    rows = [("weights", k, float(v)) for k, v in load_weights(config_dir).items()]
    rows += [("minimum", k, float(v)) for k, v in load_minimum(config_dir).items()]
    rows += [(f"threshold.{scale}", k, v) for scale, limits in load_thresholds(config_dir).items()
             for k, v in limits.items()]
    rows += [("urging", k, float(v)) for k, v in load_urging(config_dir).items()]
    con.execute("delete from published_setting")
    con.executemany("insert into published_setting values (?, ?, ?)", rows)


_READ: dict[tuple[str, str], dict[str, dict[str, float]]] = {}


def read(reader) -> dict[str, dict[str, float]]:
    """The settings of a ``snapshots.Reader``'s snapshot, by section (read once per data
    version). Readers are passed in, not imported: the publish that stores these imports
    this module."""
    pinned = reader.pinned()
    key = (str(pinned.snapshots_dir), pinned.version)
    if key not in _READ:
        frame = pinned.frame("select section, name, value from published_setting")
        sections: dict[str, dict[str, float]] = {}
        for section, name, value in frame.itertuples(index=False):
            sections.setdefault(section, {})[name] = value
        if len(_READ) > 64:  # versions come and go; keep the memo bounded
            _READ.clear()
        _READ[key] = sections
    return _READ[key]


def weights(reader) -> dict[str, float]:
    return read(reader)["weights"]


def minimum(reader) -> dict[str, float]:
    return read(reader)["minimum"]


def urging(reader) -> dict[str, int]:
    """The due-soon horizon and letter settings the snapshot was published with."""
    return {k: int(v) for k, v in read(reader).get("urging", DEFAULT_URGING).items()}


def small_sample(metric: Metric, frame: pd.DataFrame, reader) -> pd.Series:
    """Rows whose rate rests on fewer records than the minimum (DOMAIN.md, Small samples)."""
    sample = metric.family.sample if metric.family else None
    if sample is None or metric.value not in ("rate", "points"):
        return pd.Series(False, index=frame.index)
    denominator = frame["denominator"].astype("float64")
    return (denominator > 0) & (denominator < minimum(reader)[sample])


def status(metric: Metric, frame: pd.DataFrame, reader, units: pd.Series | int = 1) -> pd.Series:
    """good, watch or bad per row by the metric's rule (None: no data, or a small sample).
    ``units`` is how many units each row holds, for a count's per-unit watch limit."""
    rule = metric.status
    limits = read(reader)[f"threshold.{rule.scale}"]
    if rule.on == "rate":
        values = frame["numerator"] / frame["denominator"].where(frame["denominator"] > 0)
    else:
        values = frame[rule.on]
    values = values.astype("float64")
    watch = limits["watch"] * (units if rule.per_unit else 1)
    if rule.lower_is_better:
        good, watched = values <= limits["good"], values <= watch
    else:
        good, watched = values >= limits["good"], values >= watch
    result = np.where(good, "good", np.where(watched, "watch", "bad")).astype(object)
    hidden = values.isna() | frame.get("small_sample", pd.Series(False, index=frame.index)).astype(bool)
    return pd.Series(np.where(hidden, None, result), index=frame.index, dtype=object)
