"""Unit ranking (DOMAIN.md): component scores, weighted composite, rank within each kind.

Pure functions over the component metrics the engine reads (``metrics._rank``); the
weights come from the snapshot (``published.weights``), where the publish stored them from
``config/ranking.toml``, so a ranking and its data version always go together.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.registry import Component, Ranking

DEFAULT_WEIGHTS = {"procedures": 0.4, "tasks": 0.4, "budget": 0.2}


def load_weights(config_dir: Path) -> dict[str, float]:
    """The weights of ``config/ranking.toml`` (read at publish), checked."""
    path = Path(config_dir) / "ranking.toml"
    weights = dict(DEFAULT_WEIGHTS)
    if path.exists():
        weights.update(tomllib.loads(path.read_text(encoding="utf-8")).get("weights", {}))
    if set(weights) != set(DEFAULT_WEIGHTS) or any(w < 0 for w in weights.values()) or not sum(weights.values()):
        raise ValueError(f"{path}: [weights] needs non-negative {', '.join(DEFAULT_WEIGHTS)} with a positive sum")
    return weights


def score(component: Component, frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The component's score (0-100) per key: 100 × its metric's value, capped."""
    value = frame["value"] if component.cap is None else frame["value"].clip(upper=component.cap)
    return frame[keys].assign(**{component.name: 100 * value})


def composite(scores: pd.DataFrame, weights: dict[str, float], components: tuple[str, ...] | None = None) -> pd.Series:
    """Weighted mean of the components present (default: every weighted one); the weights
    of missing ones are dropped."""
    components = tuple(weights) if components is None else components
    values = scores[list(components)].to_numpy(dtype="float64")
    w = np.array([weights[c] for c in components])
    present = ~np.isnan(values)
    total = (np.where(present, values, 0) * w).sum(axis=1)
    weight = (present * w).sum(axis=1)
    return pd.Series(np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan), index=scores.index)


def rank_within_kind(scores: pd.DataFrame, groups: tuple[str, ...] = ("kind",)) -> pd.Series:
    """1, 2, 2, 4: equal composites after rounding to 2 decimals share a rank."""
    rounded = scores["composite"].round(2)
    return rounded.groupby([scores[g] for g in groups]).rank(method="min", ascending=False).astype("Int64")


def rank(ranking: Ranking, scores: list[pd.DataFrame], weights: dict[str, float]) -> pd.DataFrame:
    """Every unit's composite and rank in the "now" bucket, with its rank in "before"; a
    unit with no component left is unranked (rank and composite missing), not dropped."""
    keys = ["bucket", "unit_code", *ranking.groups]
    names = tuple(c.name for c in ranking.components)
    merged = scores[0]
    for frame in scores[1:]:
        merged = merged.merge(frame, on=keys, how="outer")
    merged = merged.assign(composite=composite(merged, weights, names))
    groups = ("bucket", *ranking.groups)
    scored = merged[merged["composite"].notna()]
    merged = merged.assign(rank=rank_within_kind(scored, groups).reindex(merged.index).astype("Int64"),
                           ranked=scored.groupby(list(groups))["unit_code"].transform("count")
                           .reindex(merged.index))
    merged["ranked"] = merged.groupby(list(groups))["ranked"].transform("max").fillna(0).astype("int64")
    before = merged[merged["bucket"] == "before"]
    result = merged[merged["bucket"] == "now"].drop(columns="bucket")
    previous = result["unit_code"].map(dict(zip(before["unit_code"], before["rank"]))).astype("Int64")
    result = result.assign(previous_rank=previous, rank_change=previous - result["rank"],
                           value=result["composite"], numerator=pd.NA, denominator=pd.NA)
    return result.sort_values([*ranking.groups, "rank", "unit_code"], ignore_index=True)
