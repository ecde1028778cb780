"""bench/instructions.py counts what views cost under callgrind; here, without valgrind, that
its views are real page views and its arithmetic is per view."""

import subprocess
import sys

from bench import instructions


def test_the_counted_views_are_the_site_s_and_the_floor_s_pages(tmp_path):
    env = instructions._prepared_site(tmp_path)
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}

    for path, path_env in [("/about/", env), ("/get-help/", env), ("/", floor_env)]:
        views = run_child(path, path_env)
        assert views.returncode == 0, views.stderr

    missing = run_child("/no-such-page/", env)
    assert missing.returncode == 1
    assert "/no-such-page/ answered 404" in missing.stderr


def test_a_page_s_count_is_the_difference_its_views_make_divided_among_them(monkeypatch):
    counts = {0: 3_000_000_000, 300: 3_210_000_000}
    monkeypatch.setattr(instructions, "_instructions", lambda path, env, views: counts[views])

    assert instructions._instructions_per_view("/about/", {}, 300) == 700_000


def run_child(path: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, instructions.__file__, "--child", path, "2"],
        env=env,
        cwd=instructions.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
