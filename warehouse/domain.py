"""The words of DOMAIN.md's canonical records, defined once.

Every source is mapped onto these words, the warehouse stores only them, and screens,
briefs and the API label and list them. Each vocabulary is a tuple in the order screens
show it; pipelines, dashboard and layouts import it from here rather than spelling it out.
The schema's CHECK constraints (``warehouse/sql/schema``) and the label catalogues
cannot import, so ``tests/warehouse/test_domain.py`` holds them to these tuples.
"""
from __future__ import annotations

# units.kind: a unit of the ministry or a provincial department (ranked apart)
UNIT_KINDS = ("ministry_unit", "province_dept")

# procedures.level: who handles the procedure
PROCEDURE_LEVELS = ("central", "province")

# dossiers.channel, and the national portal's codes of the same channels, accepted in
# their place
CHANNELS = ("direct", "online", "postal")
CHANNEL_CODES = dict(zip(("1", "2", "3"), CHANNELS))

# dossiers.status: a closed dossier has a finished_at, an open one has none
OPEN_STATUSES = ("received", "processing", "supplement")
CLOSED_STATUSES = ("finished", "rejected", "withdrawn")
DOSSIER_STATUSES = OPEN_STATUSES + CLOSED_STATUSES

# dossiers.rating: the citizen's rating of a dossier (empty = not rated)
RATINGS = ("like", "dislike")

# tasks.source: who assigned the task; the Government's two are watched most closely
TASK_SOURCES = ("government", "prime_minister", "ministry_leader", "other")
GOVERNMENT_SOURCES = ("government", "prime_minister")

# the state of a task as of a date (DOMAIN.md, Tasks); a task is in exactly one
TASK_STATES = ("done_on_time", "done_late", "open_on_track", "open_overdue")

# budget.category: recurrent spending and public investment, each with its target path
BUDGET_CATEGORIES = ("recurrent", "investment")

# feedback.kind: a complaint (phản ánh) or a suggestion (kiến nghị) about a procedure
FEEDBACK_KINDS = ("complaint", "suggestion")
