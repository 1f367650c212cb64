"""The README's first command, `make run`, on its embedded defaults: an embedded PostgreSQL
server started on demand, tasks inline, mail to the console, in a fresh VAR_DIR as on a new
machine."""

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SERVICES = {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SIGNING_KEY_FILE",
            "SIGNING_CERT_FILE", "DJANGO_SETTINGS_MODULE", "DJANGO_CONN_MAX_AGE", "EMAIL_HOST"}


def _manage(*args, var_dir):
    env = {key: value for key, value in os.environ.items() if key not in SERVICES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DJANGO_VAR_DIR=str(var_dir))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_demo_seeds_on_the_embedded_defaults_with_its_daily_sweeps(embedded_var_dir):
    migrated = _manage("migrate", "--noinput", "-v0", var_dir=embedded_var_dir)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    # Each command found the server the first one started, and left it running for the next.
    assert (embedded_var_dir / "postgres" / "PG_VERSION").is_file()
    assert (embedded_var_dir / "postgres" / "postmaster.pid").is_file()
    seeded = _manage("seed_demo", var_dir=embedded_var_dir)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    assert "Demo accounts" in seeded.stdout
    # The demo ends with the day's sweeps; tasks being inline, the console backend prints what
    # they sent: review cases opened with their reminder, a lapse notice, a clock alert.
    for subject in ("Subject: Review case open. Periodic review due in", "Subject: Lapsed: ", "Subject: Overdue: APP-"):
        assert subject in seeded.stdout, subject
    assert "The review is due by " in seeded.stdout and "It was current until " in seeded.stdout
    for command in ("review_sweep", "sla_sweep", "letters_sweep"):
        again = _manage(command, var_dir=embedded_var_dir)
        assert again.returncode == 0, again.stderr[-3000:]
