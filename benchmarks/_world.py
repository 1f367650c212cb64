"""What the benchmarks share: a PostgreSQL database of their own (made, migrated and dropped),
and a register of any size built by PostgreSQL itself (`generate_series`), a million entries
in a minute or two rather than the quarter hour a million ORM objects take.

Not a benchmark (run_all skips files whose name begins with `_`).

The entries look like a province's register: titles from a vocabulary of subjects and kinds
(`management` is in one title of eight: a common word; `glassblowing` in one of 2,000: a rare
one), French titles and descriptions, ten providers, levels OQF-5 to OQF-12, the four
transfer categories, each entry with its open terms period and its first letter, as issuing
leaves them. Statuses: 80% current, 10% expiring, 5% lapsed, 5% revoked, unless told.
"""

import contextlib
import os
import pathlib
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent

SUBJECTS = ["Data", "Project", "Supply Chain", "Cyber", "Health", "Welding", "Accounting", "Marketing",
            "Forestry", "Carpentry", "Nursing", "Logistics", "Software", "Hospitality", "Energy", "Mining",
            "Agriculture", "Retail", "Construction", "Finance"]
SUJETS = ["Données", "Projets", "Chaîne d'approvisionnement", "Cybersécurité", "Santé", "Soudage", "Comptabilité",
          "Marketing", "Foresterie", "Menuiserie", "Soins infirmiers", "Logistique", "Logiciels", "Hôtellerie",
          "Énergie", "Mines", "Agriculture", "Commerce de détail", "Construction", "Finance"]
KINDS = ["Management", "Analytics", "Safety", "Fundamentals", "Practice", "Design", "Operations", "Leadership"]
GENRES = ["Gestion", "Analyse", "Sécurité", "Fondements", "Pratique", "Conception", "Opérations", "Leadership"]
LEVELS = ["OQF-%d" % n for n in range(5, 13)]
CATEGORIES = ["vocational_certificate", "lower_division", "upper_division", "graduate"]
PROVIDERS = 10


def database_url(base, name):
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))


def admin_execute(base, sql):
    import psycopg

    with psycopg.connect(database_url(base, "postgres").replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute(sql)


def server_url():
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def bench_database(name, **environment):
    """A fresh database `name` on DATABASE_URL's server, migrated, with Django set up in this
    process against it (plus `environment`); dropped afterwards whatever happens. Yields the
    environment a server process would need."""
    base = server_url()
    url = database_url(base, name)
    admin_execute(base, "DROP DATABASE IF EXISTS %s" % name)
    admin_execute(base, "CREATE DATABASE %s" % name)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local",
           "DJANGO_DEBUG": "false", "PYTHONPATH": str(ROOT), **environment}
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        os.environ.update(env)
        for key, value in environment.items():
            if value == "":
                os.environ.pop(key, None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        yield env
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 (Django may not be set up yet)
            pass
        admin_execute(base, "DROP DATABASE IF EXISTS %s" % name)


def people():
    """The organisations and staff entries point at: ten providers, the agency, an assessor
    and an approver, one shared micro-credential. A dict of ids."""
    from accounts.models import Organisation, User
    from credentials.models import MicroCredential

    providers = Organisation.objects.bulk_create([
        Organisation(name="Bench College %d" % n, kind=Organisation.Kind.PROVIDER) for n in range(PROVIDERS)
    ])
    agency = Organisation.objects.create(name="Bench Agency", kind=Organisation.Kind.AGENCY)
    assessor = User.objects.create(email="a@bench.example", role="assessor", organisation=agency)
    approver = User.objects.create(email="b@bench.example", role="approver", organisation=agency)
    microcredential = MicroCredential.objects.create(provider=providers[0], title="Bench micro-credential")
    return {"providers": [p.pk for p in providers], "provider_names": [p.name for p in providers],
            "agency": agency.pk, "assessor": assessor.pk, "approver": approver.pk,
            "microcredential": microcredential.pk}


def code_of(number):
    """The verification code of bench entry `number` (Crockford base32 digits; canonical)."""
    digits = "%012d" % number
    return "BNCH-%s-%s-%s" % (digits[:4], digits[4:8], digits[8:])


def reference_of(number):
    return "MCA-2026-%07d" % number


def _array(values):
    return "ARRAY[%s]" % ", ".join("'%s'" % v.replace("'", "''") for v in values)


STATUS_SQL = ("CASE WHEN n %% 20 < 16 THEN 'current' WHEN n %% 20 < 18 THEN 'expiring'"
              " WHEN n %% 20 = 18 THEN 'lapsed' ELSE 'revoked' END")


def assessments_add(world, start, stop, *, status_sql=STATUS_SQL, review_due_sql="DATE '2028-06-01'",
                    letters=True):
    """Entries numbered `start` to `stop - 1`, each with its open terms period and (with
    `letters`) its first letter, in three INSERT ... SELECT FROM generate_series statements.
    `status_sql` and `review_due_sql` are SQL expressions of `n` (the entry's number); `%%`
    stands for a modulo. Seconds taken."""
    from django.db import connection

    started = time.monotonic()
    subject, sujet = _array(SUBJECTS), _array(SUJETS)
    kind, genre = _array(KINDS), _array(GENRES)
    names = _array(world["provider_names"])
    params = {
        "start": start, "stop": stop - 1, "microcredential": world["microcredential"],
        "providers": world["providers"], "assessor": world["assessor"], "approver": world["approver"],
        "levels": LEVELS, "categories": CATEGORIES,
    }
    sql = """
    INSERT INTO credentials_assessment (
        reference, verification_code, microcredential_id, provider_id, status, title, title_fr, level_id,
        credits, transfer_category, subject_area, field_of_study_id, review_period_months, review_due_date,
        review_cycle, current_from, current_until, snapshot, recommended_by_id, signed_off_by_id, issued_at,
        status_reason, supersedes_id, letter_version_due, letter_due_since)
    SELECT
        'MCA-2026-' || lpad(n::text, 7, '0'),
        'BNCH-' || substr(lpad(n::text, 12, '0'), 1, 4) || '-' || substr(lpad(n::text, 12, '0'), 5, 4)
            || '-' || substr(lpad(n::text, 12, '0'), 9, 4),
        %(microcredential)s,
        (%(providers)s::bigint[])[1 + n %% {providers}],
        {status},
        s.subject || ' ' || k.kind || CASE WHEN n %% 2000 = 7 THEN ' Glassblowing' ELSE '' END || ' ' || n,
        k.genre || ' : ' || s.sujet || ' ' || n,
        (%(levels)s::text[])[1 + n %% 8],
        (1 + n %% 8)::numeric,
        (%(categories)s::text[])[1 + n / 8 %% 4],
        s.subject,
        NULL, 12, {review_due}, 1, DATE '2026-03-02',
        CASE WHEN n %% 20 IN (16, 17) THEN DATE '2027-06-01' + (n %% 300)
             WHEN n %% 20 >= 18 THEN DATE '2026-09-01' + (n %% 90) END,
        jsonb_build_object(
            'provider', ({names})[1 + n %% {providers}],
            'description', 'Learners practise ' || lower(s.subject) || ' ' || lower(k.kind)
                || ' on workplace projects with an industry mentor.',
            'learning_outcomes', jsonb_build_array('Apply ' || lower(s.subject) || ' methods to real cases',
                                                   'Explain the ' || lower(k.kind) || ' choices made'),
            'description_fr', 'Les apprenants pratiquent ' || lower(k.genre) || ' en milieu de travail.',
            'learning_outcomes_fr', jsonb_build_array('Appliquer les méthodes de ' || lower(s.sujet))),
        %(assessor)s, %(approver)s,
        TIMESTAMPTZ '2020-01-01 00:00+00' + n * INTERVAL '1 minute',
        '', NULL, 1, NULL
    FROM generate_series(%(start)s, %(stop)s) AS n,
         LATERAL (SELECT ({subject})[1 + n %% 20] AS subject, ({sujet})[1 + n %% 20] AS sujet) AS s,
         LATERAL (SELECT ({kind})[1 + n / 20 %% 8] AS kind, ({genre})[1 + n / 20 %% 8] AS genre) AS k
    """.format(providers=len(world["providers"]), status=status_sql, review_due=review_due_sql,
               subject=subject, sujet=sujet, kind=kind, genre=genre, names=names)
    first_reference, last_reference = reference_of(start), reference_of(stop - 1)
    tables = ["credentials_assessment", "credentials_assessmentterms"] + (["credentials_letter"] if letters else [])
    with connection.cursor() as cursor, _indexes_rebuilt(cursor, tables, stop - start >= REBUILD_ABOVE):
        cursor.execute(sql, params)
        cursor.execute("""
            INSERT INTO credentials_assessmentterms (assessment_id, starts_on, ends_on, level_id, credits,
                transfer_category, subject_area, signed_off_by_id, created_at)
            SELECT id, current_from, NULL, level_id, credits, transfer_category, subject_area, signed_off_by_id, now()
            FROM credentials_assessment WHERE reference BETWEEN %s AND %s
        """, [first_reference, last_reference])
        if letters:
            cursor.execute("""
                INSERT INTO credentials_letter (assessment_id, version, file, sha256, size, issued_at)
                SELECT id, 1, 'letters/2026/' || reference || '-v1.pdf', md5(reference) || md5(verification_code),
                       48000, issued_at
                FROM credentials_assessment WHERE reference BETWEEN %s AND %s
            """, [first_reference, last_reference])
    return time.monotonic() - started


# Above this many rows at once, the indexes that back no constraint are dropped before the
# insert and built afterwards: several times faster than maintaining them row by row (the GIN
# index of the search vector most of all).
REBUILD_ABOVE = 50_000


@contextlib.contextmanager
def _indexes_rebuilt(cursor, tables, rebuild):
    cursor.execute("SET synchronous_commit = off")
    cursor.execute("SET maintenance_work_mem = '256MB'")
    if not rebuild:
        yield
        return
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    """, [tables])
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute("DROP INDEX %s" % name)
    yield
    for _, definition in indexes:
        cursor.execute(definition)


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
