import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import ArticleImportError, Options, parse, store


class Command(BaseCommand):
    help = (
        "Import articles from Markdown (.md, optional front matter) and plain-text (.txt, as the "
        "old site exports them) files. Imported articles are drafts unless --publish; an article "
        "with the same address is left alone unless --update. Files that cannot be imported are "
        "named and skipped; the command then exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files, or folders of them")
        parser.add_argument("--publish", action="store_true", help="publish what is imported")
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite articles with the same address (categories and tags become exactly "
            "those the file names; a file naming none leaves them as they are)",
        )
        parser.add_argument(
            "--author", default="", help="a person's slug or name, for files that name none"
        )
        parser.add_argument(
            "--redirect-from",
            default="",
            metavar="URL",
            help="the old site's address of the (one) file: it then leads to the new article",
        )
        parser.add_argument(
            "--redirects",
            type=Path,
            metavar="CSV",
            help="a CSV file of `file,old_url` rows: each file's address on the old site",
        )
        parser.add_argument(
            "--banner",
            action="append",
            default=[],
            help="a site-wide line to leave out of .txt files, wherever it is (repeat for "
            "several); the lines above the export's first gap of two or more blank lines are "
            "left out without it",
        )
        parser.add_argument("--dry-run", action="store_true", help="check the files, save nothing")

    def handle(self, *args, **options):
        files = _files(options["paths"])
        if options["redirect_from"] and len(files) != 1:
            raise CommandError("--redirect-from names one old address: give exactly one file.")
        old_urls = _redirects(options["redirects"]) if options["redirects"] else {}
        if not_imported := sorted(set(old_urls) - {path.name for path in files}):
            self.stdout.write(
                f"{options['redirects']} names files not among those imported (their old "
                f"addresses are not recorded): {', '.join(not_imported)}"
            )
        settings = Options(
            publish=options["publish"],
            update=options["update"],
            author=options["author"],
            dry_run=options["dry_run"],
        )
        banner = frozenset(line.strip() for line in options["banner"])
        outcomes: dict[str, int] = {}
        failed = []
        for path in files:
            old_url = options["redirect_from"] or old_urls.get(path.name, "")
            try:
                parsed = parse(path, banner)
                outcome = store(parsed, settings, redirect_from=old_url)
            except ArticleImportError as error:
                failed.append(path)
                self.stderr.write(f"{path}: {error} (skipped)")
                continue
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            self.stdout.write(f"{path}: {outcome}")
            if outcome == "skipped":
                self.stdout.write(
                    "  an article has its address already: --update replaces it with this file"
                    + (" (and records its old address)" if old_url else "")
                )
            if outcome == "imported" and not (parsed.author or settings.author):
                self.stdout.write("  a draft with no author yet: choose one in admin to publish it")
            for line in parsed.left_out_inside:
                self.stdout.write(
                    f"  left out of the text, a line with nothing under it right after a list "
                    f"(a link's text on the old page?): {_shown(line)}"
                )
            for line in parsed.left_out:
                # Not an error: every exported file starts so. A title taken for the banner is.
                self.stdout.write(
                    f"  left out above the title {parsed.title!r}, as the site's banner: "
                    f"{_shown(line)}"
                )
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        prefix = "Dry run, nothing saved: " if settings.dry_run else ""
        self.stdout.write(
            f"{prefix}{summary or 'nothing imported'}; {len(failed)} failed"
            f"{' (' + ', '.join(p.name for p in failed) + ')' if failed else ''}."
        )
        if failed:
            raise SystemExit(1)


def _shown(line: str) -> str:
    return f"{line[:80]!r}{'…' if len(line) > 80 else ''}"


def _files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in (".md", ".txt")))
        else:
            files.append(path)
    return files


def _redirects(path: Path) -> dict[str, str]:
    """file name → old address, from a CSV with `file` and `old_url` columns. A row without one
    or the other is named with its line, and nothing is imported until the file is put right."""
    old_urls, bad_rows = {}, []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is not None and not {"file", "old_url"} <= set(reader.fieldnames):
                raise CommandError(f"{path}: needs the columns `file` and `old_url`.")
            for row in reader:
                # A short row leaves the missing columns None.
                name = (row.get("file") or "").strip()
                old_url = (row.get("old_url") or "").strip()
                if name and old_url:
                    old_urls[Path(name).name] = old_url
                elif name:
                    bad_rows.append(f"line {reader.line_num}: {name} has no old_url")
                elif old_url:
                    bad_rows.append(f"line {reader.line_num}: {old_url!r} has no file")
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CommandError(f"{path}: cannot be read as a CSV file ({error})") from None
    if bad_rows:
        raise CommandError(
            f"{path}: every row needs a file and its old_url; nothing was imported.\n"
            + "\n".join(bad_rows)
        )
    return old_urls
