"""The site as deployed, on free local ports, for the bench and Lighthouse.

A redis-server of its own; gunicorn with the repo's gunicorn.conf.py, 2 workers and production
settings (DEBUG off; plain HTTP, so no SSL redirect); a fresh PostgreSQL database on
DATABASE_URL's server with the demo content plus 500 extra site pages, 500 draft programs and
500 published articles. The programs are drafts: a center has a handful of levels of care, and
500 published would make the programs list a page nobody would publish; as drafts they are in
every table the program pages query, which is what the bench checks does not slow them. One
demo information session is copied at BENCH_SESSION_PK, so its page has a known address.
Everything is stopped and the database dropped on the way out.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.e2e.database import PostgresServer, is_postgres_url  # noqa: E402
from tests.e2e.processes import free_port  # noqa: E402
from tests.e2e.redis_server import RedisServer  # noqa: E402
from tests.e2e.smtp_sink import SmtpSink  # noqa: E402
from tests.e2e.stack import ManageCommand, Stack, new_secret_key, site_env  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"
EXTRA_ITEMS = 500
# A session of the demo's, copied at an address the bench knows (the others' change each run).
BENCH_SESSION_PK = 900_001

# Every public page there is, by kind: `make bench` and `make lighthouse` grow with the site.
PUBLIC_PAGES = [
    "/",
    "/programs/",
    "/programs/intensive-outpatient/",
    "/about/",
    "/insurance/",
    "/privacy/",
    "/bench-page-250/",
    "/articles/",
    "/articles/category/treatment/",
    "/articles/peer-support-in-intensive-outpatient-treatment/",
    "/search/?q=peer+support",
    "/get-help/",
    "/info-sessions/",
    "/info-sessions/next/",
    f"/info-sessions/{BENCH_SESSION_PK}/",
]
# Read by machines, not people: in `make bench`, not in Lighthouse.
MACHINE_PAGES = ["/articles/feed/", "/sitemap.xml", "/robots.txt"]

EXTRA_CONTENT = f"""
from core.models import SitePage
from programs.models import Program
SitePage.objects.bulk_create(
    SitePage(
        title=f"Bench page {{n}}",
        slug=f"bench-page-{{n}}",
        meta_description="A page made up for the benchmark.",
        body="## A heading\\n\\nA paragraph of made-up text for the benchmark. " * 20,
    )
    for n in range({EXTRA_ITEMS})
)
from articles.models import SEARCH_VECTOR, Article, Category
from center.models import Person
from taggit.models import Tag, TaggedItem
from django.contrib.contenttypes.models import ContentType
author = Person.objects.get(slug="jonah-whitcombe")
treatment = Category.objects.get(slug="treatment")
# Made in bulk (a save each took half a minute): the text rendered once, as a save would.
model = Article(body="## A heading\\n\\nA paragraph of made-up text about peer support. " * 30)
model.render_body()
articles = Article.objects.bulk_create(
    Article(
        title=f"Bench article {{n}} about evening groups and peer support",
        slug=f"bench-article-{{n}}",
        summary="An article made up for the benchmark.",
        body=model.body,
        body_html=model.body_html,
        body_text=model.body_text,
        reading_minutes=model.reading_minutes,
        author=author,
        status="published",
        publish_at=f"2025-{{1 + n % 12:02d}}-{{1 + n % 28:02d}}T12:00:00Z",
    )
    for n in range({EXTRA_ITEMS})
)
Article.objects.filter(slug__startswith="bench-article-").update(search_vector=SEARCH_VECTOR)
Article.categories.through.objects.bulk_create(
    Article.categories.through(article=article, category=treatment) for article in articles
)
tags = [Tag.objects.get_or_create(name=name, defaults={{"slug": name.replace(" ", "-")}})[0]
        for name in ["bench", *(f"tag {{n}}" for n in range(20))]]
article_type = ContentType.objects.get_for_model(Article)
TaggedItem.objects.bulk_create(
    TaggedItem(tag=tag, content_type=article_type, object_id=article.pk)
    for n, article in enumerate(articles)
    for tag in (tags[0], tags[1 + n % 20])
)
Program.objects.bulk_create(
    Program(
        name=f"Bench draft program {{n}}",
        slug=f"bench-draft-{{n}}",
        level_of_care="iop",
        summary="A draft made up for the benchmark.",
        body="Made-up text.",
        who_it_is_for="Nobody: a benchmark draft.",
        typical_week="- Nothing",
        hours_per_week="9 hours",
        typical_length="8 weeks",
        setting="on_site",
        insurance_note="None.",
        is_published=False,
    )
    for n in range({EXTRA_ITEMS})
)
import uuid
from datetime import timedelta
from infosessions.models import InfoSession
session = InfoSession.objects.filter(published=True).latest("starts_at")
session.pk, session.uid = {BENCH_SESSION_PK}, uuid.uuid4()
session.starts_at += timedelta(days=7)
session.ends_at += timedelta(days=7)
session.save(force_insert=True)
"""


@dataclass
class ProductionSite:
    url: str
    env: dict[str, str]
    root: Path
    stack: Stack
    redis: RedisServer
    database: PostgresServer
    database_name: str

    def count_leads(self) -> int:
        with (
            self.database.connect(self.database_name) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute("SELECT count(*) FROM admissions_lead")
            return cursor.fetchone()[0]

    def check_pages_answer(self, paths: list[str]) -> None:
        """Each page answers 200, and is warm (asked twice, so the cache has it)."""
        for path in paths:
            for _ in range(2):
                response = httpx.get(self.url + path, timeout=10)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}: {self.stack.logs()}")
            print(f"  {path}: {response.headers.get('X-Page-Cache', 'rendered')}")


@contextmanager
def production_site() -> Iterator[ProductionSite]:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not is_postgres_url(database_url):
        database_url = DEFAULT_DATABASE_URL
    server = PostgresServer(database_url)
    server.open_session()
    with tempfile.TemporaryDirectory(prefix="resilience-bench-") as root_name, SmtpSink() as sink:
        root = Path(root_name)
        name = server.new_database_name()
        server.create_database(name)
        redis = RedisServer(root / "logs").start()
        stack = None
        try:
            web_port = free_port()
            env = site_env(
                database_url=server.url_for(name),
                secret_key=new_secret_key(),
                static_root=root / "static",
                media_root=root / "media",
                site_url=f"http://127.0.0.1:{web_port}",
                redis_url=redis.url,
                smtp_port=sink.port,
                extra={"LOG_LEVEL": "WARNING"},
            )
            print(
                "Preparing: migrate, collectstatic, demo content and 500 pages, drafts, articles…"
            )
            began = time.monotonic()
            # collectstatic needs no database: it runs beside the migrations.
            collecting = ManageCommand(
                "collectstatic", "--noinput", "--skip-checks", env=env, log_path=root / "c.log"
            )
            for command in (
                ("migrate", "--noinput", "--skip-checks"),
                ("seed_demo", "--skip-checks"),
                ("shell", "-c", EXTRA_CONTENT),
            ):
                ManageCommand(*command, env=env, log_path=root / f"{command[0]}.log").finish()
                print(f"  {command[0]} done at {time.monotonic() - began:.0f} s", flush=True)
            collecting.finish()
            stack = Stack(env=env, web_port=web_port, log_dir=root / "logs", web_workers=2)
            stack.start(worker=False)
            yield ProductionSite(
                url=f"http://127.0.0.1:{web_port}",
                env=env,
                root=root,
                stack=stack,
                redis=redis,
                database=server,
                database_name=name,
            )
            stack.assert_alive()
        finally:
            if stack is not None:
                stack.stop()
            if redis.alive:
                redis.stop()
            server.drop_database(name)
            server.close_session()
