"""Production serves static files by hashed names from collectstatic's manifest. Tests use plain
storage, so check once, in a separate process, that every page finds what it links to."""

import json
import os

from cryptography.fernet import Fernet

from tests.public_pages import PUBLIC_PAGES
from tests.python_process import run_python


def test_every_public_page_renders_with_the_collected_hashed_static_files(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "resilience.settings",
        "SECRET_KEY": "test-only-secret-key-for-the-static-files-test-0123456789abcdef",
        "ADMISSIONS_INBOX_EMAIL": "admissions@resilience.example",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "ERROR",
        # Production refuses to start without Redis; nothing here needs it to answer.
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }

    def run(*args):
        process = run_python(*args, env=env, timeout=None)
        assert process.returncode == 0, process.stdout + process.stderr
        return process.stdout

    run("manage.py", "collectstatic", "--noinput", "-v0")
    run("manage.py", "migrate", "-v0")
    run("manage.py", "seed_demo")
    rendered = run(
        "-c",
        "import json, sys, django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "pages = json.loads(sys.argv[1])\n"
        "print(json.dumps({page: client.get(page).status_code for page in pages}))\n",
        json.dumps(PUBLIC_PAGES),
    )

    statuses = json.loads(rendered)
    assert statuses == dict.fromkeys(PUBLIC_PAGES, 200)
    assert list((tmp_path / "static" / "css").glob("site.*.css")), "no hashed stylesheet"
