"""In demo mode a scheduled pull moves the demo systems forward and publishes the change."""
from __future__ import annotations

from pydantic import SecretStr

from pipelines.bootstrap import load_demo
from pipelines.run import pull
from pipelines.scheduler import load_jobs, run_job
from warehouse.db import writer
from tests.pipelines.goc_receiver import Receiver
from warehouse.snapshots import read_pointer


def _count(settings, sql: str) -> int:
    with writer(settings) as con:
        return con.execute(sql).fetchone()[0]


def test_scheduled_demo_pull_brings_new_records(settings):
    with Receiver() as receiver:  # the Government Operation Center receives each publish's figures
        settings = settings.model_copy(update={"goc_push_url": receiver.url,
                                               "goc_push_token": SecretStr(receiver.token)})
        version, report, other = pull_twice(settings)
    assert receiver.kept == [f"opscenter:month:2026-10:{version}"] + [  # October's final figures once
        f"opscenter:month:2026-11:{v}" for v in (version, report.version, other.version)]


def pull_twice(settings):
    version, results = load_demo(settings, show_progress=False)
    assert set(results) == {"units", "procedures", "dossiers", "tasks", "budget"}
    assert all(r.status == "success" and r.quarantined == 0 for r in results.values())
    dossiers = _count(settings, "select count(*) from dossiers")
    assert dossiers == results["dossiers"].loaded == settings.demo_dossiers
    assert not any(settings.demo_dir.joinpath("inbox", "budget").glob("*.xlsx"))  # all archived

    job = next(j for j in load_jobs(settings) if j.name == "dossiers")
    report = run_job(settings, job)  # what the scheduler runs every 10 minutes
    moved = {r.source_name: r for r in report.results}
    assert moved["motcua_dossiers"].status == "success" and moved["motcua_dossiers"].loaded > 0
    assert moved["motcua_dossiers"].watermark_before == results["dossiers"].watermark_after
    assert report.version and report.version != version
    assert read_pointer(settings)["version"] == report.version
    assert _count(settings, "select count(*) from dossiers") > dossiers

    other = pull(settings, ["vpcp_tasks", "taichinh_budget"])
    assert [r.status for r in other.results] == ["success", "success"]
    assert other.results[0].loaded > 0  # tasks completed in the feed
    return version, report, other
