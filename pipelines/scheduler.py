"""The scheduler: jobs read from ``config/schedule.toml``, run by APScheduler 3.

Jobs are data (name, cron, ``module:function``, keyword arguments): the target is
imported when the job runs, so a job may live in any package (the weekly brief in
``dashboard``) without this module importing it. One scheduler per data dir: a second one
finds the lock taken and refuses to start, so several web workers never run a job twice.
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import tomllib
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from filelock import FileLock, Timeout

from warehouse.snapshots import LOCAL_TZ

log = logging.getLogger("opscenter.scheduler")
MISFIRE_GRACE_SECONDS = 3600


class ScheduleError(ValueError):
    """The schedule file cannot be used; the message names the job and the problem."""


class SchedulerLocked(RuntimeError):
    """Another scheduler already runs for this data dir."""


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    run: str  # "package.module:function", called as function(settings, **kwargs)
    kwargs: dict = field(default_factory=dict)

    def target(self):
        module, _, function = self.run.partition(":")
        return getattr(importlib.import_module(module), function)


def load_jobs(settings) -> list[Job]:
    path = settings.schedule_path
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(f"{path}: {exc}") from None
    jobs = []
    for number, entry in enumerate(raw.get("job", []), start=1):
        name = entry.get("name") or f"#{number}"
        unknown = set(entry) - {"name", "cron", "run", "kwargs", "enabled"}
        if unknown or not all(isinstance(entry.get(k), str) for k in ("name", "cron", "run")):
            raise ScheduleError(f"{path}: job {name}: needs name, cron and run (strings)"
                                + (f"; unknown keys: {', '.join(sorted(unknown))}" if unknown else ""))
        if ":" not in entry["run"]:
            raise ScheduleError(f"{path}: job {name}: run must be 'module:function', got {entry['run']!r}")
        try:
            CronTrigger.from_crontab(entry["cron"], timezone=LOCAL_TZ)
        except ValueError as exc:
            raise ScheduleError(f"{path}: job {name}: bad cron {entry['cron']!r}: {exc}") from None
        if entry.get("enabled", True):
            jobs.append(Job(entry["name"], entry["cron"], entry["run"], dict(entry.get("kwargs", {}))))
    if len({j.name for j in jobs}) != len(jobs):
        raise ScheduleError(f"{path}: job names must be unique")
    return jobs


def run_job(settings, job: Job):
    """Run one job now (what the scheduler calls); its failure is logged and re-raised."""
    log.info("job %s starting", job.name)
    try:
        outcome = job.target()(settings, **job.kwargs)
    except Exception:
        log.exception("job %s failed", job.name)
        raise
    log.info("job %s done: %s", job.name, outcome)
    return outcome


class SchedulerLock:
    """At most one scheduler per data dir; the holder's pid and start time sit beside it."""

    def __init__(self, settings):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = settings.data_dir / "scheduler.lock"
        self.info = settings.data_dir / "scheduler.json"
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self) -> None:
        try:
            self._lock.acquire()
        except Timeout:
            holder = self._holder()
            raise SchedulerLocked(
                f"Another scheduler is already running for data dir {self.path.parent}"
                f"{holder}. Only one may run; stop it first (lock file: {self.path})."
            ) from None
        self.info.write_text(json.dumps({"pid": os.getpid(), "started_at": datetime.now(LOCAL_TZ).isoformat()}))

    def _holder(self) -> str:
        try:
            info = json.loads(self.info.read_text())
            return f" (pid {info['pid']}, started {info['started_at']})"
        except (OSError, ValueError, KeyError):
            return ""

    def release(self) -> None:
        self._lock.release()


def build(settings, *, blocking: bool = False):
    """A scheduler holding every enabled job; start it after taking the lock."""
    scheduler_type = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_type(timezone=LOCAL_TZ, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    for job in load_jobs(settings):
        scheduler.add_job(run_job, CronTrigger.from_crontab(job.cron, timezone=LOCAL_TZ),
                          args=(settings, job), id=job.name, name=job.name)
    scheduler.add_listener(_report, EVENT_JOB_MISSED)
    return scheduler


def _report(event) -> None:
    log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)


def start_background(settings):
    """The in-process scheduler of ``python app.py``, or None (with the reason printed)
    when it is switched off or another process already runs one for this data dir."""
    if not settings.scheduler:
        return None
    from pipelines.sources.config import SourceConfigError, load_sources

    lock = SchedulerLock(settings)
    try:
        load_sources(settings)  # the jobs read it: say now, not at the first run, that it is broken
        scheduler = build(settings)
        lock.acquire()
    except (SchedulerLocked, ScheduleError, SourceConfigError) as exc:
        print(f"Scheduler not started: {exc}")
        return None
    scheduler.lock = lock  # held (not garbage-collected, so not released) while the scheduler lives
    scheduler.start()
    print(f"Scheduler running: {', '.join(job.name for job in scheduler.get_jobs())}")
    return scheduler
