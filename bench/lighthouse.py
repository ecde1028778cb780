"""Lighthouse (mobile) on the public site as deployed: the four category scores per page.

    .venv/bin/python bench/lighthouse.py [--pages key] [--page /path/ …]
    make lighthouse          (every public page, one of each kind: CI runs it)

Starts the production stack of bench/production.py (gunicorn, DEBUG off, PostgreSQL, its own
Redis, demo content plus 500 extra items), installs Lighthouse from bench/lighthouse's lock file
(npm; a development tool, never on the server) and runs it with Debian's Chromium (CHROME_PATH)
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
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.production import PUBLIC_PAGES, production_site  # noqa: E402

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
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

    scores: dict[str, dict[str, float]] = {}
    with production_site() as production:
        production.check_pages_answer(pages)
        for path in pages:
            print(f"Lighthouse: {path}…", flush=True)
            report = _run_lighthouse(production.url + path, REPORTS / f"{_report_name(path)}.json")
            scores[path] = {
                category: report["categories"][category]["score"] for category in CATEGORIES
            }
    return _print_scores(scores)


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


def _run_lighthouse(url: str, output: Path) -> dict:
    """One report; run again once when Lighthouse itself fails to record the page load
    (NO_NAVSTART and the like happen now and then with headless Chromium)."""
    for attempt in (1, 2):
        try:
            return _lighthouse_report(url, output)
        except (subprocess.CalledProcessError, LighthouseError):
            if attempt == 2:
                raise
            print(f"  Lighthouse failed on {url}; once more", flush=True)
    raise AssertionError("unreachable")


class LighthouseError(Exception):
    pass


# Kept out of search engines on purpose (robots.txt and noindex: search results are no page to
# land on): "is the page crawlable" is the one SEO audit that does not apply to them.
NOT_FOR_SEARCH_ENGINES = ("/search/",)


def _lighthouse_report(url: str, output: Path) -> dict:
    skipped = ["screenshot-thumbnails", "final-screenshot"]
    if urlsplit(url).path.startswith(NOT_FOR_SEARCH_ENGINES):
        skipped.append("is-crawlable")
    subprocess.run(  # noqa: S603 (our own command line)
        [
            str(LIGHTHOUSE),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={output}",
            # Headless, as root in a container; no first-run or sync traffic to Google.
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
            "--disable-background-networking --disable-component-update --disable-sync",
            # Screenshots are most of a report's bytes and count for no score: the reports are
            # kept in the repo, so they stay small.
            "--disable-full-page-screenshot",
            f"--skip-audits={','.join(skipped)}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=180,
    )
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise LighthouseError(f"Lighthouse could not run on {url}: {report['runtimeError']}")
    return report


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
