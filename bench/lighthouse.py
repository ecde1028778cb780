"""Lighthouse (mobile) on the public site as deployed: the four category scores per page.

    .venv/bin/python bench/lighthouse.py [--pages key] [--page /path/ …]
    make lighthouse          (every public page, one of each kind: CI runs it)

Starts the production stack of bench/production.py (gunicorn, DEBUG off, PostgreSQL, its own
Redis, demo content plus 500 extra items), installs Lighthouse from bench/lighthouse's lock file
(npm; a development tool, never on the server) and runs it on every page in one Node process
(bench/lighthouse/run.mjs) with one Debian Chromium (CHROME_PATH)
in Lighthouse's default mobile mode (a mid-range phone, simulated slow 4G), nothing fetched
from the network but the site. Keeps each JSON report in bench/lighthouse/reports/, prints the
performance, accessibility, best-practices and SEO scores per page, and exits non-zero if any
is below 0.95 (the target is 1.00 everywhere).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.production import PUBLIC_PAGES, production_site  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
REPORTS = LIGHTHOUSE_DIR / "reports"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PASS_MARK = 0.95

# The pages a visitor lands on most: the home page, a program page, an article and the form.
# `make lighthouse` runs every public page the bench measures (one of each kind); `--pages key`
# these.
KEY_PAGES = [
    "/",
    "/programs/intensive-outpatient/",
    "/articles/peer-support-in-intensive-outpatient-treatment/",
    "/get-help/",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", choices=("all", "key"), default="all")
    parser.add_argument("--page", action="append", help="only this page (repeat for several)")
    args = parser.parse_args()
    pages = args.page or (PUBLIC_PAGES if args.pages == "all" else KEY_PAGES)

    if not Path(CHROMIUM).exists():
        print(f"make lighthouse needs Chromium at {CHROMIUM}: apt-get install -y chromium")
        return 2
    if shutil.which("npm") is None:
        print("make lighthouse needs Node.js and npm: apt-get install -y nodejs npm")
        return 2
    _install_lighthouse()
    REPORTS.mkdir(exist_ok=True)

    outputs = {path: REPORTS / f"{_report_name(path)}.json" for path in pages}
    runs: dict[str, list[dict[str, float | None]]] = {path: [] for path in pages}
    with production_site() as production:
        production.check_pages_answer(pages)

        def run(paths: list[str]) -> None:
            for path in paths:
                outputs[path].unlink(missing_ok=True)  # a failed run leaves no old report
            _run_lighthouse({production.url + path: outputs[path] for path in paths})
            for path in paths:
                runs[path].append(_read_scores(outputs[path]))

        run(pages)
        # Lighthouse's own advice on its variance (a busy machine's stray long task can cost a
        # page 0.1): a page under the mark is run twice more, and the median of three counts.
        below = [path for path in pages if not _passes(runs[path][0])]
        if below:
            print(f"Under {PASS_MARK} once, run twice more: {', '.join(below)}", flush=True)
            for _ in range(2):
                run(below)
    return _print_scores({path: _median_scores(runs[path]) for path in pages})


def _read_scores(output: Path) -> dict[str, float | None]:
    if not output.exists():
        return dict.fromkeys(CATEGORIES)
    report = json.loads(output.read_text())
    return {category: report["categories"][category]["score"] for category in CATEGORIES}


def _passes(scores: dict[str, float | None]) -> bool:
    return all(score is not None and score >= PASS_MARK for score in scores.values())


def _median_scores(runs: list[dict[str, float | None]]) -> dict[str, float | None]:
    """Each category's median over the runs (a run that recorded nothing counts as 0)."""
    medians = {}
    for category in CATEGORIES:
        values = [run[category] for run in runs]
        if all(value is None for value in values):
            medians[category] = None
        else:
            medians[category] = statistics.median(value or 0.0 for value in values)
    return medians


def _install_lighthouse() -> None:
    """npm ci when the lock file is newer than what is installed (fast when nothing changed)."""
    installed = LIGHTHOUSE_DIR / "node_modules" / ".package-lock.json"
    lock = LIGHTHOUSE_DIR / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],  # noqa: S607
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )


def _report_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


# Kept out of search engines on purpose (robots.txt and noindex: search results are no page to
# land on): "is the page crawlable" is the one SEO audit that does not apply to them.
NOT_FOR_SEARCH_ENGINES = ("/search/",)
# Headless, as root in a container; no first-run or sync traffic to Google, and no host but the
# site under test resolves: a page that asked for anything from elsewhere would fail to load it
# (and lose points) instead of quietly fetching it.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def _run_lighthouse(outputs: dict[str, Path]) -> None:
    """Every page's report, in one Node process with one Chromium (bench/lighthouse/run.mjs);
    a page it could not record has no report."""
    jobs = {
        "chromePath": CHROMIUM,
        "chromeFlags": CHROME_FLAGS,
        "categories": list(CATEGORIES),
        "pages": [
            {"url": url, "output": str(output), "skipAudits": _skipped_audits(url)}
            for url, output in outputs.items()
        ],
    }
    subprocess.run(  # noqa: S603 (our own command line)
        ["node", str(LIGHTHOUSE_DIR / "run.mjs")],  # noqa: S607
        input=json.dumps(jobs),
        text=True,
        cwd=LIGHTHOUSE_DIR,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=False,  # a page without a report scores nothing, and fails the run below
        timeout=180 * len(outputs),
    )


def _skipped_audits(url: str) -> list[str]:
    # Screenshots count for no score and are most of a report's bytes.
    skipped = ["screenshot-thumbnails", "final-screenshot"]
    if urlsplit(url).path.startswith(NOT_FOR_SEARCH_ENGINES):
        skipped.append("is-crawlable")
    return skipped


def _print_scores(scores: dict[str, dict[str, float]]) -> int:
    print()
    print(f"{'page':<34}" + "".join(f"{category:>16}" for category in CATEGORIES))
    failing = []
    for path, by_category in scores.items():
        cells = []
        for category in CATEGORIES:
            score = by_category[category]
            if score is None or score < PASS_MARK:
                failing.append(f"{path} {category} {score}")
            cells.append(f"{'—' if score is None else f'{score:.2f}':>16}")
        print(f"{path:<34}" + "".join(cells))
    print(f"\nReports: {REPORTS.relative_to(ROOT)}/")
    if failing:
        print(f"Below {PASS_MARK}: " + "; ".join(failing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
