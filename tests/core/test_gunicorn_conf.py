"""gunicorn's default worker count follows the CPUs the web process may use, not the host's."""

import os
import runpy
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


@pytest.fixture
def cpus_available(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    return runpy.run_path(str(CONF))["cpus_available"]


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [("max 100000", 4), ("150000 100000", 2), ("50000 100000", 1), ("800000 100000", 4)],
)
def test_a_container_s_cpu_quota_caps_the_cpus_counted(tmp_path, cpus_available, cpu_max, cpus):
    limits = tmp_path / "cpu.max"
    limits.write_text(cpu_max + "\n")

    assert cpus_available(str(limits)) == cpus


def test_without_a_quota_every_cpu_it_may_run_on_counts(tmp_path, cpus_available):
    assert cpus_available(str(tmp_path / "absent")) == 4


def test_the_default_is_two_workers_per_cpu_plus_one(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    conf = runpy.run_path(str(CONF))

    assert conf["workers"] == conf["cpus_available"]() * 2 + 1
