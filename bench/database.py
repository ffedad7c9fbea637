"""The benchmark's own PostgreSQL database: created when missing, migrated, filled."""

import dj_database_url
import psycopg2
from psycopg2 import sql

from bench.config import BenchError

POSTGRES_ENGINE = "django.db.backends.postgresql"


def database_ensure(url: str) -> str:
    """Create the database named in `url` if the server lacks it; return its name."""
    config = dj_database_url.parse(url)
    if config["ENGINE"] != POSTGRES_ENGINE:
        raise BenchError(f"The benchmark needs a PostgreSQL URL, got {url!r}.")
    name = config["NAME"]
    try:
        # Any database will do to issue CREATE DATABASE; `postgres` is always there.
        server = psycopg2.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=5,
        )
    except psycopg2.OperationalError as error:
        raise BenchError(
            f"PostgreSQL does not answer at {config['HOST']}:{config['PORT']} ({error}). "
            "Start it, e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`."
        ) from error
    server.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                print(f"Creating database {name}.")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        server.close()
    return name


def catalogue_prepare(*, solutions: int) -> int:
    """Migrate, then generate published solutions up to `solutions`; return how many exist.

    Needs Django set up against the benchmark database.
    """
    from django.core.management import call_command
    from django.db import connection

    from explore.selectors import published_solutions

    call_command("migrate", interactive=False, verbosity=0)
    existing = published_solutions().count()
    if existing < solutions:
        print(f"The catalogue has {existing:,} solutions; generating {solutions - existing:,}.")
        call_command("generate_catalogue", solutions=solutions - existing)
        existing = published_solutions().count()
    # Fresh statistics and visibility map, as a database in service has: without them the
    # planner guesses row counts and index-only scans visit the heap.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    return existing
