"""`make bench` and `make lighthouse` cover every kind of public page, and Lighthouse fails the
run on any score under the mark."""

import re

import pytest
from django.urls import URLResolver, get_resolver, resolve

from bench import lighthouse, site
from bench.production import MACHINE_PAGES
from bench.production import PUBLIC_PAGES as BENCHED_PAGES
from tests.public_pages import PUBLIC_PAGES

# Not a page anyone lands on: it follows a POST, and is never cached.
NOT_BENCHED = {"admissions:thanks", "infosessions:thanks"}


def _kinds(paths):
    return {resolve(path.split("?")[0]).view_name for path in paths}


def test_every_kind_of_public_page_is_benched_and_run_through_lighthouse():
    assert _kinds(PUBLIC_PAGES) - NOT_BENCHED <= _kinds(BENCHED_PAGES)


def test_the_key_pages_are_among_the_benched_pages():
    assert set(lighthouse.KEY_PAGES) <= set(BENCHED_PAGES)


def test_lighthouse_passes_when_every_score_reaches_the_mark(capsys):
    scores = {"/": dict.fromkeys(lighthouse.CATEGORIES, 1.0)}
    scores["/get-help/"] = {**scores["/"], "seo": 0.95}

    assert lighthouse._print_scores(scores) == 0


@pytest.mark.parametrize("score", [0.94, None])
def test_lighthouse_fails_on_a_score_under_the_mark_or_missing(capsys, score):
    scores = {"/": {**dict.fromkeys(lighthouse.CATEGORIES, 1.0), "accessibility": score}}

    assert lighthouse._print_scores(scores) == 1
    assert "/ accessibility" in capsys.readouterr().out


# --- Every public page is benched --------------------------------------------------------------

# Form pages kept for everyone but each visitor's tokens (core.pagecache.keep_for_everyone).
FORM_PAGES_KEPT_FOR_EVERYONE = {"admissions:get_help", "infosessions:detail", "infosessions:next"}


def _views(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_view_marked_public_page_and_every_form_page_is_benched():
    public = {name for name, view in _views(get_resolver().url_patterns) if view_is_public(view)}

    assert {"core:home", "articles:feed", "sitemap", "core:robots"} <= public
    assert public | FORM_PAGES_KEPT_FOR_EVERYONE <= _kinds(BENCHED_PAGES + MACHINE_PAGES)


def view_is_public(view) -> bool:
    return getattr(view, "is_public_page", False)


# --- make bench fails on a missed target -------------------------------------------------------


def _measured(
    rate: float, p99: float = 5.0, errors: int = 0, not_ok: int = 0
) -> list[site.Measure]:
    return [site.Measure(rate, p50_ms=1.0, p99_ms=p99, errors=errors, not_ok=not_ok)]


def test_the_bench_passes_pages_at_the_targets(capsys):
    results = {"floor": _measured(1000), "/": _measured(800, p99=49.9)}

    assert site._print_pages(results) == []


@pytest.mark.parametrize(
    ("measured", "miss"),
    [
        (_measured(790), "/: 0.79 of the floor"),
        (_measured(1000, p99=50), "/: p99 50.0 ms"),
        (_measured(1000, errors=3), "/: 3 socket errors"),
        (_measured(1000, not_ok=2), "/: 2 answers not 2xx or 3xx"),
    ],
)
def test_the_bench_names_each_page_that_misses_a_target(capsys, measured, miss):
    missed = site._print_pages({"floor": _measured(1000), "/": measured})

    assert len(missed) == 1 and missed[0].startswith(miss)
    assert site._verdict(missed, smoke=False) == 1
    assert miss in capsys.readouterr().out


def test_each_page_is_compared_with_the_floor_measured_in_turns_with_it(capsys, monkeypatch):
    """The machine slows to half speed during the run (other work on it): every page still runs
    at 0.85 of the floor as measured at the same moments."""
    calls = []

    def run_wrk(wrk, url, *, seconds):
        speed = 1.0 - 0.5 * len(calls) / 40  # falls steadily over the run's measures
        calls.append(url)
        rate = (1000 if url.endswith(":9/") else 850) * speed
        return site.Measure(rate, p50_ms=1.0, p99_ms=5.0 + len(calls) % 4, errors=0)

    monkeypatch.setattr(site, "_run_wrk", run_wrk)
    targets = [f"/page-{n}/" for n in range(10)]

    results, ratios = site._measure_pages(
        "wrk", "http://site", "http://floor:9/", targets, rounds=1, seconds=1, warm_up_seconds=0
    )
    missed = site._print_pages(results, ratios)

    assert missed == []
    assert ratios["/page-0/"] == [pytest.approx(0.85)] and ratios["/page-9/"] == [
        pytest.approx(0.85)
    ]
    floor, first, second = "http://floor:9/", "http://site/page-0/", "http://site/page-1/"
    assert calls[:8] == [floor, first, first, floor, floor, second, second, floor]
    assert results["/page-0/"][0].p99_ms == 8.0  # the slower of the page's two turns
    assert "0.85" in capsys.readouterr().out


def test_the_bench_fails_on_a_heavy_or_uncompressed_page_but_not_on_the_sitemap(capsys):
    sizes = [
        ("/", 9_000, "br", 40_000, 25_000),
        ("/programs/", 9_000, "none", 40_000, 31_000),
        ("/sitemap.xml", 60_000, "br", 400_000, 60_000),
    ]
    fast = {path: _measured(1000) for path in ("floor", "/", "/programs/", "/sitemap.xml")}

    assert site._print_pages(fast, sizes=sizes) == [
        "/programs/: sent uncompressed",
        "/programs/: 31,000 bytes with CSS and JS (>= 30,000)",
    ]
    table = capsys.readouterr().out
    assert re.search(r"/programs/ .* 1,000 .* 1\.00 .* 9,000 +none +40,000 +31,000", table)


def test_the_bench_smoke_run_never_fails_on_speed(capsys):
    missed = site._print_pages({"floor": _measured(1000), "/": _measured(100, p99=80)})
    missed += site._print_posts(
        *_posts(p99_ms=300), saturation=_posts(p99_ms=300)[0], stored=3 * POSTS
    )

    assert len(missed) == 4
    assert site._verdict(missed, smoke=True) == 0


def test_wrk_s_socket_errors_and_bad_answers_are_told_apart():
    output = """Running 1s test @ http://127.0.0.1:8000/
  Latency Distribution
     50%    4.00ms
     99%    9.00ms
  2000 requests in 1.00s, 1.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:   2000.00
"""

    measure = site._measure_from(output)

    assert (measure.requests_per_second, measure.errors, measure.not_ok) == (2000.0, 3, 5)
    assert (measure.p50_ms, measure.p99_ms) == (4.0, 9.0)


def test_pages_answering_errors_fail_even_the_smoke_run(capsys):
    missed = site._print_pages({"floor": _measured(1000), "/": _measured(1000, not_ok=4)})

    assert site._verdict(missed, smoke=True) == 1


@pytest.mark.parametrize(
    "miss",
    [
        "lead lost",
        "request not thanked",
        "page sent uncompressed",
        "page too heavy",
    ],
)
def test_the_bench_smoke_run_fails_on_what_no_machine_s_speed_excuses(capsys, miss):
    healthy, redis_down = _posts(not_thanked=miss == "request not thanked")
    stored = 3 * POSTS - (miss == "lead lost") - (miss == "request not thanked")
    missed = site._print_posts(healthy, redis_down, saturation=_posts()[0], stored=stored)
    encoding = "none" if miss == "page sent uncompressed" else "br"
    total = 31_000 if miss == "page too heavy" else 20_000
    missed += site._print_pages(
        {"floor": _measured(1000), "/": _measured(1000)},
        sizes=[("/", 9_000, encoding, 40_000, total)],
    )

    assert len(missed) == 1
    assert site._verdict(missed, smoke=True) == 1


POSTS = 50


def _posts(p99_ms: float = 20, not_thanked: bool = False) -> tuple:
    """Two open-loop runs of POSTS requests each (healthy, Redis stopped), all thanked unless
    one of the first was not."""

    def run(failing: int) -> site.PostResult:
        latencies = [p99_ms] * POSTS
        statuses = [302] * (POSTS - failing) + [500] * failing
        return site.PostResult(latencies, statuses, seconds=1.0)

    return run(int(not_thanked)), run(0)


def test_a_page_under_the_mark_once_counts_by_the_median_of_three_runs():
    good = dict.fromkeys(lighthouse.CATEGORIES, 1.0)
    noisy = {**good, "performance": 0.9}

    assert lighthouse._median_scores([noisy, good, good])["performance"] == 1.0
    assert lighthouse._median_scores([noisy, noisy, good])["performance"] == 0.9
    assert lighthouse._median_scores([dict.fromkeys(lighthouse.CATEGORIES)])["seo"] is None
    assert not lighthouse._passes(noisy) and lighthouse._passes(good)
