"""Label catalogues: Vietnamese first, English second. Every screen label lives here."""
from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    "app.title": {
        "vi": "Trung tâm điều hành thông minh",
        "en": "Smart Operations Center",
    },
    "app.ministry": {
        "vi": "Bộ Nông nghiệp và Môi trường",
        "en": "Ministry of Agriculture and Environment",
    },
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    "data.as_of": {"vi": "Dữ liệu cập nhật lúc {time}", "en": "Data as of {time}"},
    "data.none": {
        "vi": "Chưa có dữ liệu. Hãy nạp dữ liệu bằng lệnh: python -m pipelines ingest ...",
        "en": "No data yet. Load data with: python -m pipelines ingest ...",
    },
    "period.label": {"vi": "Kỳ báo cáo: {start} – {end}", "en": "Period: {start} – {end}"},
    "period.invalid": {
        "vi": "Kỳ báo cáo trong địa chỉ không hợp lệ ({problem}); đang hiển thị tháng này.",
        "en": "The period in the address is not valid ({problem}); showing this month.",
    },
    "period.this_month": {"vi": "Tháng này", "en": "This month"},
    "period.last_month": {"vi": "Tháng trước", "en": "Last month"},
    "period.this_quarter": {"vi": "Quý này", "en": "This quarter"},
    "period.this_year": {"vi": "Năm nay", "en": "This year"},
    "kpi.no_data": {"vi": "Không có dữ liệu trong kỳ", "en": "No data in the period"},
    "kpi.on_time.detail": {
        "vi": "{numerator} / {denominator} hồ sơ đúng hạn",
        "en": "{numerator} of {denominator} dossiers on time",
    },
    "kpi.overdue.detail": {
        "vi": "tại ngày {date}, trên {denominator} nhiệm vụ đã giao",
        "en": "as of {date}, of {denominator} tasks assigned",
    },
    "kpi.budget.detail": {
        "vi": "đã giải ngân {numerator} / {denominator} (năm {year}, đến {date})",
        "en": "disbursed {numerator} of {denominator} (year {year}, to {date})",
    },
    "kpi.budget.target": {
        "vi": "Mục tiêu theo lộ trình {target}; chênh lệch {gap} điểm %",
        "en": "Target path {target}; gap {gap} percentage points",
    },
    "money.billion": {"vi": "{value} tỷ đồng", "en": "VND {value} billion"},
}


def t(key: str, language: str = "vi", **values) -> str:
    text = CATALOGUE[key].get(language) or CATALOGUE[key]["vi"]
    return text.format(**values) if values else text
