"""`make run PORT=8011` serves on 8011, so the links the site prints and sends (the demo's admin
link, canonical URLs, e-mails: all from SITE_URL) must say 8011 too, not the default 8000."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.python_process import run_python

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = PROJECT_ROOT / "Makefile"
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="needs make")
# Nothing from the calling shell or make (under `make test`) that would change what is tested.
MAKE_ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in {"SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
}


def test_seed_demo_prints_links_to_the_site_url(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "resilience.settings",
        "DEBUG": "true",
        "SITE_URL": "http://127.0.0.1:8011",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "ERROR",
    }

    def run(*args):
        process = run_python("manage.py", *args, env=env, timeout=None)
        assert process.returncode == 0, process.stdout + process.stderr
        return process.stdout

    run("migrate", "-v0")
    printed = run("seed_demo")

    links = re.findall(r"https?://\S+", printed)
    assert "http://127.0.0.1:8011/admin/" in links, printed
    assert all(link.startswith("http://127.0.0.1:8011/") for link in links), printed
    assert ":8000" not in printed


@needs_make
def test_make_run_passes_a_site_url_on_its_port():
    process = subprocess.run(
        [MAKE, "--no-print-directory", "-n", "-f", str(MAKEFILE), "run", "PORT=8011"],
        cwd=PROJECT_ROOT,
        env=MAKE_ENV,
        capture_output=True,
        text=True,
    )
    assert process.returncode == 0, process.stdout + process.stderr

    assert "SITE_URL=http://127.0.0.1:8011" in process.stdout, process.stdout
    assert "runserver 127.0.0.1:8011" in process.stdout, process.stdout


@pytest.fixture
def make_run(tmp_path):
    """Runs the real `make run` recipe in an empty directory whose .venv/bin/python only notes
    the SITE_URL each manage.py command would see. Returns those SITE_URLs."""
    log = tmp_path / "site_urls.log"
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$SITE_URL" >> "{log}"\n')
    python.chmod(0o755)
    for requirements in ("requirements.txt", "requirements-dev.txt"):
        (tmp_path / requirements).touch()
    installed = tmp_path / ".venv" / ".installed"
    installed.touch()
    # Newer than the requirements, so `install` has nothing to do.
    os.utime(installed, (installed.stat().st_atime + 60, installed.stat().st_mtime + 60))

    def run(*, env=None) -> set[str]:
        log.unlink(missing_ok=True)
        process = subprocess.run(
            [MAKE, "--no-print-directory", "-f", str(MAKEFILE), "run", "PORT=8011"],
            cwd=tmp_path,
            env={**MAKE_ENV, **(env or {})},
            capture_output=True,
            text=True,
        )
        assert process.returncode == 0, process.stdout + process.stderr
        lines = log.read_text().splitlines()
        assert len(lines) == 3, lines  # migrate, seed_demo, runserver
        return set(lines)

    run.directory = tmp_path
    return run


@needs_make
def test_make_run_sets_the_site_url_from_the_port_unless_it_is_set(make_run):
    assert make_run() == {"http://127.0.0.1:8011"}
    assert make_run(env={"SITE_URL": "http://localhost:9000"}) == {"http://localhost:9000"}

    (make_run.directory / ".env").write_text("SITE_URL=https://staging.resilience.example\n")
    assert make_run() == {"https://staging.resilience.example"}
