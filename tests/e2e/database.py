"""PostgreSQL databases for the end-to-end tests: one migrated template per pytest session, and a
copy of it per test, on the server DATABASE_URL names.

Every database this session creates is called resilience_e2e_<run>_..., and the session keeps a
connection open with application_name resilience_e2e_<run> until it ends. So a later session can
tell a crashed run's leftovers (no such connection any more) from a concurrent run's databases,
and drops only the former.
"""

from __future__ import annotations

import itertools
import re
import secrets
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import errors, sql

NAME_PREFIX = "resilience_e2e_"
_RUN_NAME = re.compile(rf"^{NAME_PREFIX}(?P<run>[0-9a-f]{{8}})_")


def is_postgres_url(url: str) -> bool:
    return urlsplit(url).scheme in {"postgres", "postgresql"}


class PostgresServer:
    """The PostgreSQL server in a postgres:// URL, managed through its `postgres` database."""

    def __init__(self, database_url: str) -> None:
        self._url = urlsplit(database_url)
        self.host = self._url.hostname or "127.0.0.1"
        self.port = self._url.port or 5432
        self.run = secrets.token_hex(4)
        self._names = (f"{NAME_PREFIX}{self.run}_t{n}" for n in itertools.count(1))
        self._keeper = None

    @property
    def run_marker(self) -> str:
        return f"{NAME_PREFIX}{self.run}"

    def url_for(self, name: str, *, host: str | None = None, port: int | None = None) -> str:
        """The URL of database `name` on this server, or reached through host:port instead."""
        netloc = self._url.netloc
        if host is not None:
            credentials = netloc.rpartition("@")[0]
            netloc = f"{credentials}@{host}:{port}" if credentials else f"{host}:{port}"
        return urlunsplit(self._url._replace(netloc=netloc, path=f"/{name}"))

    def connect(self, name: str = "postgres", **options):
        connection = psycopg2.connect(self.url_for(name), connect_timeout=5, **options)
        connection.autocommit = True
        return connection

    def open_session(self) -> None:
        """Announce this run (see the module docstring) and drop crashed runs' databases."""
        self._keeper = self.connect(application_name=self.run_marker)
        self.drop_leftovers()

    def close_session(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None

    def drop_leftovers(self) -> list[str]:
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT datname FROM pg_database"
                    " WHERE datname LIKE %s AND pg_get_userbyid(datdba) = current_user",
                    [NAME_PREFIX.replace("_", r"\_") + "%"],
                )
                names = [row[0] for row in cursor.fetchall()]
                cursor.execute("SELECT DISTINCT application_name FROM pg_stat_activity")
                live_runs = {row[0] for row in cursor.fetchall()}
        finally:
            connection.close()
        leftovers = [
            name
            for name in names
            if (found := _RUN_NAME.match(name)) and f"{NAME_PREFIX}{found['run']}" not in live_runs
        ]
        for name in leftovers:
            self.drop_database(name)
        return leftovers

    def new_database_name(self) -> str:
        return next(self._names)

    def create_database(self, name: str, *, template: str | None = None) -> None:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        deadline = time.monotonic() + 10
        connection = self.connect()
        try:
            while True:
                try:
                    with connection.cursor() as cursor:
                        cursor.execute(statement)
                    return
                except errors.ObjectInUse:
                    # The template's last user (migrate, a finished test) may still be leaving.
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            connection.close()

    def drop_database(self, name: str) -> None:
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        finally:
            connection.close()


class E2EDatabase:
    """One test's database, and a few helpers to look into it (each call opens a short
    connection straight to the server, never through a test's proxy)."""

    def __init__(self, server: PostgresServer, name: str) -> None:
        self.server = server
        self.name = name

    @property
    def url(self) -> str:
        return self.server.url_for(self.name)

    def url_through(self, proxy) -> str:
        """This database's URL with the host and port of `proxy` (anything with .host, .port)."""
        return self.server.url_for(self.name, host=proxy.host, port=proxy.port)

    def rows(self, query: str, params=None) -> list[tuple]:
        connection = self.server.connect(self.name)
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def scalar(self, query: str, params=None):
        """The first column of the first row, or None: db.scalar("select count(*) from t")."""
        found = self.rows(query, params)
        return found[0][0] if found else None

    def column(self, query: str, params=None) -> list:
        return [row[0] for row in self.rows(query, params)]

    def execute(self, query: str, params=None) -> None:
        self.rows(query, params)
