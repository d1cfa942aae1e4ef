"""The scheduler: jobs from config, one scheduler per data dir, failures isolated."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from datetime import datetime

import pytest

from pipelines.scheduler import ScheduleError, SchedulerLock, SchedulerLocked, build, load_jobs
from warehouse.snapshots import LOCAL_TZ

CALLS: list[str] = []
DONE = threading.Event()


def boom(settings, **kwargs):
    CALLS.append("boom")
    raise RuntimeError("source exploded")


def record(settings, label: str):
    CALLS.append(label)
    DONE.set()


def test_default_jobs_from_config(settings):
    jobs = {job.name: job for job in load_jobs(settings)}
    assert {name: job.cron for name, job in jobs.items()} == {
        "dossiers": "*/10 * * * *", "tasks": "5 * * * *", "budget": "0 6 * * *", "weekly_brief": "0 7 * * mon",
        "goc_push": "*/30 * * * *", "mail_outbox": "*/5 * * * *", "daily_digest": "30 7 * * mon-fri"}
    assert jobs["mail_outbox"].run == "dashboard.urging.jobs:deliver_mail"
    assert jobs["daily_digest"].run == "dashboard.urging.jobs:daily_digest"
    assert jobs["dossiers"].kwargs == {"sources": ["motcua_units", "motcua_procedures", "motcua_dossiers"]}
    from pipelines.run import pull
    assert all(jobs[name].target() is pull for name in ("dossiers", "tasks", "budget"))
    assert jobs["weekly_brief"].run == "dashboard.briefs.generate:weekly"  # reached through the config only
    from pipelines.goc.push import push
    assert jobs["goc_push"].target() is push
    scheduler = build(settings)
    scheduler.start(paused=True)
    try:
        for job in scheduler.get_jobs():  # missed runs coalesce into one, never two at once
            assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == 3600
        budget = scheduler.get_job("budget").trigger
        brief = scheduler.get_job("weekly_brief").trigger
    finally:
        scheduler.shutdown(wait=False)
    fire = budget.get_next_fire_time(None, datetime(2026, 11, 22, 7, 0, tzinfo=LOCAL_TZ))
    assert (fire.day, fire.hour, fire.minute) == (23, 6, 0)
    fire = brief.get_next_fire_time(None, datetime(2026, 11, 17, 8, 0, tzinfo=LOCAL_TZ))  # a Tuesday
    assert (fire.weekday(), fire.day, fire.hour, fire.minute) == (0, 23, 7, 0)  # the next Monday, 07:00


@pytest.mark.parametrize("body, message", [
    ('[[job]]\nname = "x"\ncron = "*/5 * * * *"\n', "job x: needs name, cron and run"),
    ('[[job]]\nname = "x"\ncron = "every day"\nrun = "a:b"\n', "job x: bad cron 'every day'"),
    ('[[job]]\nname = "x"\ncron = "0 6 * * *"\nrun = "pipelines.run"\n', "run must be 'module:function'"),
])
def test_bad_schedule_is_refused_with_the_job_named(settings, tmp_path, body, message):
    path = tmp_path / "schedule.toml"
    path.write_text(body)
    with pytest.raises(ScheduleError, match=message):
        load_jobs(settings.model_copy(update={"schedule_file": path}))


def test_a_second_scheduler_refuses_to_start(settings):
    lock = SchedulerLock(settings)
    lock.acquire()
    try:
        with pytest.raises(SchedulerLocked, match="Another scheduler is already running"):
            SchedulerLock(settings).acquire()
        env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
        done = subprocess.run([sys.executable, "-m", "pipelines", "schedule"], capture_output=True, text=True,
                              env=env, timeout=60)
        assert done.returncode == 1
        assert "Another scheduler is already running" in done.stderr and "pid" in done.stderr
    finally:
        lock.release()
    second = SchedulerLock(settings)
    second.acquire()  # free again once the first one stops
    second.release()


def test_a_failing_job_does_not_stop_the_others(settings, tmp_path):
    path = tmp_path / "schedule.toml"
    path.write_text(
        '[[job]]\nname = "boom"\ncron = "0 0 1 1 *"\nrun = "tests.pipelines.test_scheduler:boom"\n'
        '[[job]]\nname = "after"\ncron = "0 0 1 1 *"\nrun = "tests.pipelines.test_scheduler:record"\n'
        'kwargs = { label = "after" }\n')
    scheduler = build(settings.model_copy(update={"schedule_file": path}))
    CALLS.clear()
    DONE.clear()
    scheduler.start()
    try:
        now = datetime.now(LOCAL_TZ)
        scheduler.modify_job("boom", next_run_time=now)
        time.sleep(0.3)
        scheduler.modify_job("after", next_run_time=now)
        assert DONE.wait(10)
        assert CALLS == ["boom", "after"] and scheduler.running
    finally:
        scheduler.shutdown(wait=False)


def test_app_refuses_a_broken_sources_file_with_its_reason(tmp_path):
    broken = tmp_path / "sources.toml"
    broken.write_text('[[source]]\nname = "motcua"\ndataset = "dossiers"\nkind = "sql"\n'
                      'url = "sqlite:///x.db"\ntable = "hs"\n[source.columns]\ndossier_id = "ma_ho_so"\n',
                      encoding="utf-8")
    env = {"OPSCENTER_DATA_DIR": str(tmp_path / "var"), "OPSCENTER_SOURCES_FILE": str(broken),
           "OPSCENTER_PORT": "8093", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "app.py"], capture_output=True, text=True, env=env, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 2
    assert "Cannot load the data" in done.stderr and "source motcua" in done.stderr
    assert "required columns not mapped" in done.stderr and "Traceback" not in done.stderr
