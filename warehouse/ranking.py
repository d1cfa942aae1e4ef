"""Unit ranking (DOMAIN.md): component scores, weighted composite, rank within each kind.

Ranks are computed among all units of a kind and only then cut to the caller's scope, so
a unit user sees its own position without other units' rows.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.db import read_sql
from warehouse.periods import Period
from warehouse.registry import BUDGET, DOSSIER, TASK

COMPONENTS = ("procedures", "tasks", "budget")
DEFAULT_WEIGHTS = {"procedures": 0.4, "tasks": 0.4, "budget": 0.2}


def load_weights(config_dir: Path) -> dict[str, float]:
    path = Path(config_dir) / "ranking.toml"
    weights = dict(DEFAULT_WEIGHTS)
    if path.exists():
        weights.update(tomllib.loads(path.read_text(encoding="utf-8")).get("weights", {}))
    if set(weights) != set(COMPONENTS) or any(w < 0 for w in weights.values()) or not sum(weights.values()):
        raise ValueError(f"{path}: [weights] needs non-negative {', '.join(COMPONENTS)} with a positive sum")
    return weights


def composite(scores: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted mean of the components present; the weights of missing ones are dropped."""
    values = scores[list(COMPONENTS)].to_numpy(dtype="float64")
    w = np.array([weights[c] for c in COMPONENTS])
    present = ~np.isnan(values)
    total = (np.where(present, values, 0) * w).sum(axis=1)
    weight = (present * w).sum(axis=1)
    return pd.Series(np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan), index=scores.index)


def rank_within_kind(scores: pd.DataFrame, groups: tuple[str, ...] = ("kind",)) -> pd.Series:
    """1, 2, 2, 4: equal composites after rounding to 2 decimals share a rank."""
    rounded = scores["composite"].round(2)
    return rounded.groupby([scores[g] for g in groups]).rank(method="min", ascending=False).astype("Int64")


def _components(period: Period, structure: str, reader) -> pd.DataFrame:
    """The three component scores (0-100) per unit, for the period ("now") and the one of
    the same length before it ("before"), in one query over the three families."""
    from warehouse.metrics import frame_sql, run_frame_sql  # metrics imports this module lazily

    previous = period.previous()
    cut = [("now", period.start, period.end), ("before", previous.start, previous.end)]
    by = ("unit", "kind")
    sql = read_sql("metrics/_ranking_components").format(
        dossier=frame_sql(DOSSIER, by), task=frame_sql(TASK, by), budget=frame_sql(BUDGET, by))
    return run_frame_sql(sql, cut, scope=None, unit=None, kind=None, structure=structure, reader=reader)


def rank_units(period: Period, *, scope, by, unit, kind, structure, reader) -> pd.DataFrame:
    scores = _components(period, structure, reader)
    scores["composite"] = composite(scores, load_weights(reader.config_dir))
    scores = scores[scores["composite"].notna()]
    scores = scores.assign(rank=rank_within_kind(scores, ("bucket", "kind")),
                           ranked=scores.groupby(["bucket", "kind"])["unit_code"].transform("count"))
    before = scores[scores["bucket"] == "before"]
    result = scores[scores["bucket"] == "now"].drop(columns="bucket")
    previous = result["unit_code"].map(dict(zip(before["unit_code"], before["rank"]))).astype("Int64")
    keep = pd.Series(True, index=result.index)
    if scope is not None:
        keep &= result["unit_code"].isin(set(scope))
    if unit is not None:
        keep &= result["unit_code"] == unit
    if kind is not None:
        keep &= result["kind"] == kind
    result = result.assign(previous_rank=previous, rank_change=previous - result["rank"],
                           value=result["composite"], numerator=pd.NA, denominator=pd.NA)[keep]
    return result.sort_values(["kind", "rank", "unit_code"], ignore_index=True)
