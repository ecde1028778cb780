"""Pages are kept under the release that rendered them: during a rolling deploy, neither release
serves the other's pages (whose stylesheet the other's machines may not have)."""

from pathlib import Path

import pytest
from django.test import Client

from core import release

pytestmark = pytest.mark.django_db


def _site(root: Path, template: str = "<h1>{{ title }}</h1>") -> Path:
    for name, text in {
        "core/views.py": "def home(request): ...",
        "templates/home.html": template,
        "static/css/site.css": "body { color: #222; }",
        "static/images/room.webp": "pixels",
        "requirements.txt": "Django==5.2.9",
        "tests/test_home.py": "def test_home(): ...",
        "core/__pycache__/views.cpython-311.pyc": "compiled",
        "db.sqlite3": "data",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_every_machine_of_a_release_computes_the_same_fingerprint(tmp_path):
    one, other = _site(tmp_path / "machine-1"), _site(tmp_path / "machine-2")

    assert release.fingerprint(one) == release.fingerprint(other)


def test_a_change_to_code_a_template_a_static_file_or_a_requirement_makes_another_release(
    tmp_path,
):
    site = _site(tmp_path)
    before = release.fingerprint(site)

    for name in (
        "core/views.py",
        "templates/home.html",
        "static/css/site.css",
        "static/images/room.webp",
        "requirements.txt",
    ):
        path = site / name
        kept = path.read_text()
        path.write_text(kept + " ")
        assert release.fingerprint(site) != before, name
        path.write_text(kept)
    assert release.fingerprint(site) == before


def test_tests_compiled_files_data_and_collected_static_files_are_no_part_of_it(tmp_path):
    site = _site(tmp_path)
    before = release.fingerprint(site, skip=(site / "staticfiles",))

    (site / "tests/test_home.py").write_text("def test_home(): assert True")
    (site / "core/__pycache__/views.cpython-311.pyc").write_text("compiled again")
    (site / "db.sqlite3").write_text("more data")
    (site / "staticfiles").mkdir()
    (site / "staticfiles/staticfiles.json").write_text("{}")

    assert release.fingerprint(site, skip=(site / "staticfiles",)) == before


def test_a_deploy_may_name_its_release(settings):
    settings.RELEASE_ID = "3f2a9c1"
    release.release_id.cache_clear()
    try:
        assert release.release_id() == "3f2a9c1"
    finally:
        release.release_id.cache_clear()


def test_a_process_of_another_release_never_serves_this_one_s_pages(monkeypatch):
    Client().get("/about/")
    assert Client().get("/about/")["X-Page-Cache"] == "hit"

    monkeypatch.setattr("core.pagecache.release_id", lambda: "next-release")

    assert "X-Page-Cache" not in Client().get("/about/")  # rendered by the new release
    assert Client().get("/about/")["X-Page-Cache"] == "hit"  # and kept for it
