"""Budget lines of the ministry units and their cumulative disbursement, month by month.

A fiscal year's plan belongs to the unit valid at its end (or on ``today`` for the
current year): the former units for the years before the 2025 merger, the current units
after. Public investment follows the national pattern, far behind a straight line early
and catching up late (plan x t^1.75: ~9% after Q1, ~47% by the end of August, 92-100% by
31 December); recurrent spending runs close to linear; two or three slow units lag both.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pipelines.demo.formats import date_text
from pipelines.demo.timeline import window
from pipelines.demo.units import Organisation

BILLION = 1_000_000_000
MILLION = 1_000_000
RECURRENT_LINES = (
    "Chi thường xuyên hoạt động bộ máy",
    "Chi sự nghiệp kinh tế",
    "Chi sự nghiệp bảo vệ môi trường",
    "Chi sự nghiệp khoa học và công nghệ",
    "Chi đào tạo, bồi dưỡng cán bộ, công chức",
)
GENERIC_PROJECTS = (
    "Dự án cải tạo, nâng cấp trụ sở làm việc",
    "Dự án đầu tư trang thiết bị chuyên môn",
    "Dự án ứng dụng công nghệ thông tin phục vụ quản lý nhà nước",
    "Dự án tăng cường năng lực quản lý nhà nước",
)
FIELD_PROJECTS = {
    "land": ("Dự án xây dựng cơ sở dữ liệu đất đai quốc gia",
             "Dự án tăng cường quản lý đất đai và cơ sở dữ liệu đất đai (VILG)"),
    "environment": ("Dự án xây dựng mạng lưới quan trắc môi trường quốc gia",
                    "Dự án xử lý ô nhiễm môi trường tồn lưu do hóa chất bảo vệ thực vật"),
    "water": ("Dự án điều tra, đánh giá tài nguyên nước dưới đất",
              "Dự án xây dựng hệ thống giám sát khai thác, sử dụng tài nguyên nước"),
    "minerals": ("Dự án điều tra, đánh giá tiềm năng khoáng sản",),
    "meteorology": ("Dự án hiện đại hóa hệ thống radar thời tiết",
                    "Dự án tăng cường năng lực dự báo, cảnh báo thiên tai"),
    "sea": ("Dự án điều tra cơ bản tài nguyên, môi trường biển và hải đảo",),
    "survey": ("Dự án xây dựng hạ tầng dữ liệu không gian địa lý quốc gia",
               "Dự án xây dựng hệ thống trạm định vị vệ tinh quốc gia"),
    "crop": ("Dự án nâng cao năng lực kiểm dịch thực vật",),
    "livestock": ("Dự án nâng cấp phòng thí nghiệm thú y quốc gia",),
    "fisheries": ("Dự án xây dựng hệ thống giám sát tàu cá",
                  "Dự án cảng cá, khu neo đậu tránh trú bão cho tàu cá"),
    "forestry": ("Dự án bảo vệ và phát triển rừng bền vững",
                 "Dự án nâng cao năng lực phòng cháy, chữa cháy rừng"),
    "irrigation": ("Dự án hồ chứa nước Ka Pét", "Dự án hệ thống thủy lợi Cái Lớn - Cái Bé",
                   "Dự án sửa chữa, nâng cao an toàn đập (WB8)"),
}
# category -> (code prefix, plan range in billion VND, curve exponent and year-end share,
#              the same for slow units)
CATEGORIES = {
    "recurrent": ("TX", (5, 200), (1.05, 0.95, 1.0), (1.3, 0.85, 0.93)),
    "investment": ("DT", (20, 2000), (1.75, 0.92, 1.0), (2.5, 0.70, 0.85)),
}


def build(rng: np.random.Generator, org: Organisation, today: date,
          lines_per_unit: int | None = None) -> pd.DataFrame:
    """Budget records: every line at every month end of its fiscal year up to ``today``.

    Each unit holds 1 to 4 lines per category and fiscal year, or exactly
    ``lines_per_unit`` when given (to build a larger warehouse for benchmarks).
    """
    last = np.datetime64(today, "D")
    current = np.unique(org.current(org.ministry_routes))
    slow = rng.choice(current, rng.integers(2, 4), replace=False)
    lines = pd.DataFrame(_lines(rng, org, today, slow, lines_per_unit))
    months = _month_ends(lines["fiscal_year"].unique(), last)
    table = lines.merge(months, on="fiscal_year")  # one row per line and as_of date
    table = table.sort_values(["line_code", "as_of"], kind="stable", ignore_index=True)

    as_of = table["as_of"].to_numpy(dtype="datetime64[D]")
    start = as_of.astype("datetime64[Y]").astype("datetime64[D]")
    year_end = (as_of.astype("datetime64[Y]") + 1).astype("datetime64[D]")
    elapsed = ((as_of - start) + 1) / (year_end - start)  # share of the year gone, 0 to 1
    share = table["final"] * elapsed ** table["exponent"] * rng.lognormal(0.0, 0.06, len(table))
    share = np.minimum(share.groupby(table["line_code"]).cummax(), table["final"])
    plan = table["plan_amount"].to_numpy()
    disbursed = np.minimum(np.floor(plan * share.to_numpy() / MILLION) * MILLION, plan)
    return table.assign(as_of=date_text(as_of), disbursed_amount=disbursed.astype(np.int64))


def _lines(rng, org: Organisation, today: date, slow: np.ndarray,
           lines_per_unit: int | None) -> list[dict]:
    """One record per budget line: who holds it, its plan and how fast it is spent."""
    records = []
    for year in range(window(today)[0].astype(object).year, today.year + 1):
        holder_day = min(np.datetime64(f"{year}-12-31", "D"), np.datetime64(today, "D"))
        holders = org.unit_on(org.ministry_routes, np.full(len(org.ministry_routes), holder_day))
        holders, route_index = np.unique(holders, return_index=True)
        for unit, current in zip(holders, org.current(org.ministry_routes[route_index])):
            fields = org.profile(current).fields
            projects = GENERIC_PROJECTS + sum((FIELD_PROJECTS[f] for f in fields), ())
            pools = {"recurrent": RECURRENT_LINES, "investment": projects}
            for category, (prefix, (low, high), normal, lagging) in CATEGORIES.items():
                exponent, final_low, final_high = lagging if current in slow else normal
                count = rng.integers(1, 5) if lines_per_unit is None else lines_per_unit
                names = rng.choice(pools[category], count, replace=count > len(pools[category]))
                plans = np.exp(rng.uniform(np.log(low), np.log(high), count)) * BILLION
                for number, (name, plan) in enumerate(zip(names, plans), start=1):
                    records.append({
                        "unit_code": org.codes[unit],
                        "fiscal_year": year,
                        "category": category,
                        "line_code": f"{prefix}-{year}-{org.codes[unit]}-{number:02d}",
                        "line_name": name,
                        "plan_amount": int(plan // MILLION * MILLION),
                        "exponent": exponent,
                        "final": rng.uniform(final_low, final_high),
                    })
    return records


def _month_ends(years: np.ndarray, last: np.datetime64) -> pd.DataFrame:
    """The ``as_of`` dates of each fiscal year: every month end up to ``today``, then today."""
    months = np.arange(np.datetime64(f"{years.min()}-01", "M"),
                       np.datetime64(f"{years.max()}-12", "M") + 1)
    months = months[months.astype("datetime64[D]") <= last]
    ends = np.minimum((months + 1).astype("datetime64[D]") - 1, last)
    return pd.DataFrame({"fiscal_year": months.astype("datetime64[Y]").astype(np.int64) + 1970,
                         "as_of": ends})
