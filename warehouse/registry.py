"""The metric registry: every indicator of DOMAIN.md is defined here, and only here.

A *family* is a set of quantities read together (dossiers, tasks, budget): it declares
its facts query, the marts that answer its cuts with their keys and lookups, and its
dimensions; the engine (``warehouse.assemble``) builds SQL from those declarations alone.
A *metric* names its numerator and denominator among a family's quantities and how its
value follows; a *ranking* is built from other metrics. Screens, exports, briefs and the
API ask for metrics by name through ``metrics.query``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from warehouse.periods import TIME_GRAINS


@dataclass(frozen=True)
class Mart:
    """A running-totals mart a family's facts read, and the cuts it answers.

    ``lookup`` names the snippet that finds a day's state in it (``_lookup_daily``: a row
    for every day; ``_lookup_latest``: rows on days with changes); ``serves`` the
    dimensions beyond unit and kind it can be cut by; ``describe`` a join that adds
    columns the mart does not hold (the procedure's field).
    """

    table: str
    keys: tuple[str, ...]
    lookup: str
    serves: tuple[str, ...] = ()
    describe: tuple[str, str] | None = None  # (columns, join) added to the frame


@dataclass(frozen=True)
class Family:
    name: str
    facts: str  # sql/metrics/<facts>.sql
    quantities: tuple[str, ...]
    dimensions: dict[str, str]  # dimension -> output column
    point_in_time: bool  # measured at the end of each bucket rather than over it
    marts: tuple[Mart, ...] = ()  # the smallest that serves a cut is read; none: the facts read their own
    fractional: tuple[str, ...] = ()  # quantities that are not whole numbers
    target: tuple[str, str] | None = None  # (expected, plan): metrics add target and gap_pp
    extents: tuple[tuple[str, str], ...] = ()  # (column, min|max): dates a value is read from
    sample: str | None = None  # config/ranking.toml [minimum] key: a rate below it is "ít số liệu"

    @property
    def measures(self) -> tuple[str, ...]:
        """Every column the frame aggregates: the quantities and the extents."""
        return self.quantities + tuple(name for name, _ in self.extents)

    def mart_for(self, by: tuple[str, ...]) -> Mart | None:
        """The first declared mart that serves every non-time cut of ``by``."""
        needed = {b for b in by if b not in TIME_GRAINS and b not in ("unit", "kind")}
        if not self.marts:
            return None
        for mart in self.marts:
            if needed <= set(mart.serves):
                return mart
        raise ValueError(f"no mart of {self.name} serves a cut by {', '.join(sorted(needed))}")


DOSSIER = Family(
    "dossier", "dossier_facts",
    ("received", "received_online", "received_fee", "received_paid_fee", "closed", "closed_on_time",
     "handled", "on_time", "open", "open_ok", "open_overdue"),
    {"unit": "unit_code", "kind": "kind", "field": "field", "procedure": "procedure_code"},
    point_in_time=False,
    sample="dossiers",
    marts=(
        Mart("mart_dossier_unit_day", ("unit_code",), "_lookup_daily"),
        Mart("mart_dossier_field_day", ("unit_code", "field"), "_lookup_daily", ("field",)),
        Mart("mart_dossier_procedure_day", ("unit_code", "procedure_code"), "_lookup_latest",
             ("procedure", "field"), (", p.field", "left join procedures as p using (procedure_code)")),
    ),
)
TASK = Family(
    "task", "task_facts",
    ("assigned", "done_on_time", "done_late", "done", "open_overdue", "fallen_due", "open_on_track",
     "no_deadline", "due_soon"),
    {"unit": "unit_code", "kind": "kind", "source": "source"},
    point_in_time=True,
    sample="tasks",
    marts=(Mart("mart_task_day", ("unit_code", "source"), "_lookup_daily", ("source",)),),
)
BUDGET = Family(
    "budget", "budget_facts",
    ("plan", "disbursed", "target_plan"),
    {"unit": "unit_code", "kind": "kind", "category": "category"},
    point_in_time=True,
    fractional=("target_plan",),
    target=("target_plan", "plan"),
    extents=(("data_from", "min"), ("data_to", "max")),
)
FAMILIES = (DOSSIER, TASK, BUDGET)


@dataclass(frozen=True)
class Points:
    """Decision 766/QĐ-TTg: ``maximum`` points, reached when the rate is ``full_at``."""

    maximum: float
    full_at: float = 1.0

    def of(self, rate: float) -> float:
        return self.maximum * min(1.0, rate / self.full_at)


@dataclass(frozen=True)
class Status:
    """A metric's status rule (DOMAIN.md, Status of a value): the scale of
    ``config/thresholds.toml`` it is judged on, which column (its value, its rate for
    points, the gap for the budget), and whether less is better. A count's watch limit
    is per unit: a row of several units is watched up to that limit times their number."""

    scale: str
    on: Literal["value", "rate", "gap_pp"] = "value"
    lower_is_better: bool = False
    per_unit: bool = False


@dataclass(frozen=True)
class Component:
    """One component of a ranking: 100 × a registry metric's value, capped at ``cap``."""

    name: str  # its weight's key in config/ranking.toml
    metric: str
    cap: float | None = None


@dataclass(frozen=True)
class Ranking:
    """A composite of components, ranked within ``groups`` (DOMAIN.md, Unit ranking)."""

    components: tuple[Component, ...]
    groups: tuple[str, ...] = ("kind",)


@dataclass(frozen=True)
class Metric:
    name: str
    family: Family | None
    numerator: str | None
    denominator: str | None
    value: Literal["rate", "count", "points", "ranking"]
    format: Literal["percent", "count", "points", "score"]
    label_vi: str
    label_en: str
    description_vi: str
    description_en: str
    grain: str
    points: Points | None = None
    extra_dimensions: tuple[str, ...] = field(default=())
    periodicity: str = "month"  # how often it is reported to the Government (Decree 09/2019)
    ranking: Ranking | None = None
    status: Status | None = None

    @property
    def dimensions(self) -> tuple[str, ...]:
        if self.family is None:
            return self.extra_dimensions
        return tuple(self.family.dimensions) + self.extra_dimensions + TIME_GRAINS

    def label(self, language: str) -> str:
        return self.label_vi if language == "vi" else self.label_en

    def description(self, language: str) -> str:
        return self.description_vi if language == "vi" else self.description_en

    def unit_of_measure(self, language: str) -> str:
        """The catalogue's unit of measure: rates are fractions 0-1, counts count records."""
        key = self.family.name if self.value == "count" else self.value
        return UNITS_OF_MEASURE[key][0 if language == "vi" else 1]


UNITS_OF_MEASURE = {
    "rate": ("tỷ lệ (0–1)", "ratio (0–1)"),
    "points": ("điểm", "points"),
    "ranking": ("điểm (0–100)", "score (0–100)"),
    "dossier": ("hồ sơ", "dossiers"),
    "task": ("nhiệm vụ", "tasks"),
}


METRICS = (
    Metric(
        "dossier_on_time_rate", DOSSIER, "on_time", "handled", "rate", "percent",
        "Tỷ lệ hồ sơ giải quyết đúng hạn", "Dossiers handled on time",
        "Hồ sơ đúng hạn trên hồ sơ phải giải quyết trong kỳ (tiếp nhận đến cuối kỳ, chưa kết "
        "thúc trước đầu kỳ): đã giải quyết trong kỳ đúng hạn, hoặc còn hạn ở cuối kỳ; hồ sơ "
        "đang chờ công dân bổ sung được xét tại thời điểm gửi yêu cầu bổ sung. Hồ sơ bổ sung "
        "quá một lần tính là trễ hạn. Chỉ số tiến độ của Quyết định 766/QĐ-TTg.",
        "Dossiers on time over dossiers handled in the period (received by its end, not closed "
        "before its start): closed within it by the effective due, or open and not yet due at "
        "its end; one waiting for the citizen is judged when the supplement was requested. More "
        "than one supplement request counts as late. Progress indicator of Decision 766.",
        "dossier handled in the period",
        status=Status("on_time"),
    ),
    Metric(
        "dossier_closed_on_time_rate", DOSSIER, "closed_on_time", "closed", "rate", "percent",
        "Tỷ lệ hồ sơ đã giải quyết đúng hạn", "Closed dossiers on time",
        "Hồ sơ kết thúc trong kỳ đúng hạn trên hồ sơ kết thúc trong kỳ (thống kê một cửa).",
        "Dossiers closed in the period on time over dossiers closed in the period.",
        "dossier closed in the period",
        status=Status("on_time"),
    ),
    Metric(
        "dossier_overdue_open", DOSSIER, "open_overdue", "open", "count", "count",
        "Hồ sơ quá hạn chưa giải quyết", "Overdue open dossiers",
        "Hồ sơ chưa kết thúc, không chờ công dân bổ sung, có hạn xử lý (đã cộng thời gian chờ "
        "bổ sung) trước cuối kỳ; hồ sơ đang chờ bổ sung mà yêu cầu gửi sau hạn; hoặc bổ sung "
        "quá một lần; mẫu số là số hồ sơ đang mở.",
        "Open dossiers not waiting for the citizen whose effective due is before the end of the "
        "period, those waiting that were sent back after their effective due, and those with "
        "more than one supplement request; the denominator is the open dossiers.",
        "dossier open at the end of the period",
        status=Status("count", lower_is_better=True, per_unit=True),
    ),
    Metric(
        "dossier_online_rate", DOSSIER, "received_online", "received", "rate", "percent",
        "Tỷ lệ hồ sơ trực tuyến", "Dossiers received online",
        "Hồ sơ tiếp nhận trực tuyến trên hồ sơ tiếp nhận trong kỳ.",
        "Dossiers received online over dossiers received in the period.",
        "dossier received in the period",
        status=Status("online"),
    ),
    Metric(
        "dossier_online_payment_rate", DOSSIER, "received_paid_fee", "received_fee", "rate", "percent",
        "Tỷ lệ thanh toán trực tuyến", "Online payment",
        "Hồ sơ thanh toán phí trực tuyến trên hồ sơ tiếp nhận trong kỳ của thủ tục có phí.",
        "Dossiers paid online over dossiers received in the period for procedures with a fee.",
        "dossier of a fee procedure received in the period",
        status=Status("online_payment"),
    ),
    Metric(
        "d766_progress_points", DOSSIER, "on_time", "handled", "points", "points",
        "Điểm tiến độ giải quyết (QĐ 766)", "Processing progress points (Decision 766)",
        "20 điểm × tỷ lệ hồ sơ giải quyết đúng hạn.", "20 points × the on-time rate.",
        "dossier handled in the period", points=Points(20),
        status=Status("on_time", on="rate"),
    ),
    Metric(
        "d766_online_points", DOSSIER, "received_online", "received", "points", "points",
        "Điểm dịch vụ trực tuyến (QĐ 766)", "Online service points (Decision 766)",
        "12 điểm khi tỷ lệ hồ sơ trực tuyến từ 50% trở lên, dưới đó 12 × tỷ lệ / 50%.",
        "12 points at an online rate of 50% or more, else 12 × rate / 50%.",
        "dossier received in the period", points=Points(12, 0.5),
        status=Status("online", on="rate"),
    ),
    Metric(
        "d766_online_payment_points", DOSSIER, "received_paid_fee", "received_fee", "points", "points",
        "Điểm thanh toán trực tuyến (QĐ 766)", "Online payment points (Decision 766)",
        "10 điểm khi tỷ lệ thanh toán trực tuyến từ 80% trở lên, dưới đó 10 × tỷ lệ / 80%.",
        "10 points at an online payment rate of 80% or more, else 10 × rate / 80%.",
        "dossier of a fee procedure received in the period", points=Points(10, 0.8),
        status=Status("online_payment", on="rate"),
    ),
    Metric(
        "task_overdue", TASK, "open_overdue", "assigned", "count", "count",
        "Nhiệm vụ quá hạn", "Overdue tasks",
        "Nhiệm vụ chưa hoàn thành đã quá hạn tại cuối kỳ; mẫu số là số nhiệm vụ đã giao.",
        "Tasks not completed and past their due date at the end of the period; the "
        "denominator is the tasks assigned by then.",
        "task assigned by the end of the period",
        status=Status("count", lower_is_better=True, per_unit=True),
    ),
    Metric(
        "task_overdue_rate", TASK, "open_overdue", "fallen_due", "rate", "percent",
        "Tỷ lệ nhiệm vụ quá hạn (trên số đã hoàn thành hoặc đến hạn)",
        "Overdue tasks (of those done or fallen due)",
        "Nhiệm vụ quá hạn trên nhiệm vụ đã hoàn thành hoặc đã đến hạn (cách tính của Văn phòng "
        "Chính phủ).",
        "Overdue tasks over tasks done or fallen due (the Government Office's convention).",
        "task done or fallen due by the end of the period",
        status=Status("task_overdue_rate", lower_is_better=True),
    ),
    Metric(
        "task_on_time_rate", TASK, "done_on_time", "done", "rate", "percent",
        "Tỷ lệ nhiệm vụ hoàn thành đúng hạn", "Tasks completed on time",
        "Nhiệm vụ hoàn thành đúng hạn trên nhiệm vụ đã hoàn thành.",
        "Tasks completed on time over tasks completed.",
        "task completed by the end of the period",
        status=Status("on_time"),
    ),
    Metric(
        "task_due_on_time_rate", TASK, "done_on_time", "fallen_due", "rate", "percent",
        "Tỷ lệ nhiệm vụ đúng hạn (trên số đã hoàn thành hoặc đến hạn)",
        "Tasks on time (of those done or fallen due)",
        "Nhiệm vụ hoàn thành đúng hạn trên nhiệm vụ đã hoàn thành hoặc đã đến hạn; thành phần "
        "nhiệm vụ của xếp hạng đơn vị.",
        "Tasks done on time over tasks done or fallen due; the tasks component of the unit ranking.",
        "task done or fallen due by the end of the period",
        status=Status("on_time"),
    ),
    Metric(
        "task_due_soon", TASK, "due_soon", "assigned", "count", "count",
        "Nhiệm vụ sắp đến hạn", "Tasks due soon",
        "Nhiệm vụ chưa hoàn thành có hạn từ ngày cuối kỳ đến ngày làm việc thứ N sau đó (N = 5, "
        "config/urging.toml); nhiệm vụ đến hạn đúng ngày đó là sắp đến hạn, chưa quá hạn. Mẫu số là "
        "số nhiệm vụ đã giao.",
        "Tasks not completed whose due date falls from the end of the period to the N-th working "
        "day after it (N = 5, config/urging.toml); a task due on that day is due soon, not overdue. "
        "The denominator is the tasks assigned by then.",
        "task assigned by the end of the period",
        status=Status("count", lower_is_better=True, per_unit=True),
    ),
    Metric(
        "task_no_deadline", TASK, "no_deadline", "assigned", "count", "count",
        "Nhiệm vụ không có thời hạn", "Tasks without a deadline",
        "Nhiệm vụ đã giao không có thời hạn hoàn thành.", "Assigned tasks without a due date.",
        "task assigned by the end of the period",
        status=Status("count", lower_is_better=True, per_unit=True),
    ),
    Metric(
        "budget_disbursement_rate", BUDGET, "disbursed", "plan", "rate", "percent",
        "Tỷ lệ giải ngân", "Budget disbursement rate",
        "Số giải ngân lũy kế trên kế hoạch vốn năm, mỗi dòng ngân sách lấy số liệu mới nhất "
        "đến cuối kỳ; kèm mục tiêu theo lộ trình và chênh lệch (điểm phần trăm).",
        "Cumulative disbursement over the year's plan, each budget line at its latest report "
        "by the end of the period; with the target path and the gap in percentage points.",
        "budget line of the fiscal year of the period's end",
        status=Status("disbursement_gap", on="gap_pp"),
    ),
    Metric(
        "budget_target_attainment", BUDGET, "disbursed", "target_plan", "rate", "percent",
        "Mức đạt mục tiêu giải ngân", "Disbursement against its target",
        "Số giải ngân lũy kế trên số phải giải ngân theo lộ trình mục tiêu; thành phần giải ngân "
        "của xếp hạng đơn vị (tính tối đa 100%).",
        "Cumulative disbursement over what the target path expects; the budget component of the "
        "unit ranking (counted up to 100%).",
        "budget line of the fiscal year of the period's end",
        status=Status("attainment"),
    ),
    Metric(
        "unit_ranking", None, None, None, "ranking", "score",
        "Xếp hạng đơn vị", "Unit ranking",
        "Điểm tổng hợp (thủ tục 40%, nhiệm vụ 40%, giải ngân 20%; thành phần không có dữ liệu "
        "hoặc dưới số liệu tối thiểu được bỏ qua), xếp hạng trong từng loại đơn vị, so với kỳ so sánh (cùng kỳ "
        "của tháng, quý, năm trước; kỳ khác: cùng độ dài liền trước).",
        "Composite score (procedures 40%, tasks 40%, budget 20%; a component without data "
        "or under the minimum sample is left out), ranked within each unit kind, against the comparison period "
        "(the same span of the previous month, quarter or year; else the same length just before).",
        "unit", extra_dimensions=("unit", "kind"),
        ranking=Ranking((Component("procedures", "dossier_on_time_rate"),
                         Component("tasks", "task_due_on_time_rate"),
                         Component("budget", "budget_target_attainment", cap=1.0))),
        status=Status("score"),
    ),
)

REGISTRY: dict[str, Metric] = {m.name: m for m in METRICS}


def rate_of(metric: Metric) -> Metric:
    """The rate a points metric is worked out from (the same numerator and denominator)."""
    return next(m for m in METRICS if m.value == "rate" and (m.family, m.numerator, m.denominator)
                == (metric.family, metric.numerator, metric.denominator))


def _check_registry() -> None:
    """A metric reads a family or ranks other metrics, nothing else: a declaration that
    names neither, or a component that is no metric, stops the import."""
    for metric in METRICS:
        if (metric.family is None) == (metric.ranking is None):
            raise ValueError(f"{metric.name}: declare a family or a ranking, exactly one")
        if metric.status is None:
            raise ValueError(f"{metric.name}: declare its status rule")
        for component in metric.ranking.components if metric.ranking else ():
            if REGISTRY.get(component.metric, metric).family is None:
                raise ValueError(f"{metric.name}: component {component.name} is not a family metric")


_check_registry()
