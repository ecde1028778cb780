"""gunicorn.conf.py as gunicorn reads it: a default worker count that follows the CPUs the web
process may use, not the host's; no worker recycling; the site loaded once; a cheap access log
with paths only."""

import logging
import os
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

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


def gunicorn_settings():
    """gunicorn.conf.py as gunicorn reads it: each name it knows set and checked, others ignored."""
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_workers_are_not_recycled_by_default(monkeypatch):
    """A restarted worker costs the requests queued behind it half a second of p99."""
    monkeypatch.delenv("MAX_REQUESTS", raising=False)
    config = gunicorn_settings()

    assert config.max_requests == 0
    assert config.max_requests_jitter == 0


def test_recycling_when_asked_for_is_jittered_so_workers_do_not_restart_together(monkeypatch):
    monkeypatch.setenv("MAX_REQUESTS", "2000")
    config = gunicorn_settings()

    assert config.max_requests == 2000
    assert config.max_requests_jitter == 200


def test_the_site_is_loaded_once_before_the_workers_are_forked():
    assert gunicorn_settings().preload_app is True


@pytest.fixture
def gunicorn_loggers(monkeypatch):
    """gunicorn's loggers, given handlers of this test's own (gone after it)."""
    for name in ("gunicorn.access", "gunicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "handlers", [])


@pytest.mark.usefixtures("gunicorn_loggers")
def test_the_access_log_is_one_line_per_request_on_stdout_with_the_path_but_never_the_query(
    capsys,
):
    """A query string could carry whatever a visitor typed (a search)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/search/?q=opioid+withdrawal",
        "PATH_INFO": "/search/",
        "QUERY_STRING": "q=opioid+withdrawal",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://www.example.org/?q=opioid+withdrawal",
    }
    response = SimpleNamespace(status="200 OK", sent=5120, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])

    Logger(gunicorn_settings()).access(response, request, environ, timedelta(milliseconds=12))

    assert capsys.readouterr().out == '127.0.0.1 "GET /search/" 200 5120 12ms\n'
