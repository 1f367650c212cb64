"""register_count(query, cap): how many rows a register query finds, counted exactly up to
`cap` and estimated by the planner above it (docs/api.md, "Register of assessments"). One
round trip whatever the answer, so the register's list keeps a constant number of queries,
and a search matching most of a million entries does not count them one by one: when the
planner expects more than ten times `cap` rows its estimate answers without counting;
otherwise at most `cap + 1` rows are counted, and the count is exact up to `cap`."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION register_count(query text, cap integer, OUT total bigint, OUT estimated boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
    guess bigint;
BEGIN
    -- The planner's estimate first (planning only): a query it expects to match more than
    -- ten times `cap` rows is not counted at all. (Ten times: its guess for a rare word can be
    -- off by as much, and such a word's matches are counted below.)
    EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
    guess := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric::bigint;
    IF guess > 10 * cap THEN
        total := guess;
        estimated := true;
        RETURN;
    END IF;
    -- Otherwise counted, reading at most cap + 1 matches.
    EXECUTE format('SELECT count(*) FROM (%s LIMIT %s) AS capped', query, cap + 1) INTO total;
    estimated := total > cap;
    IF estimated THEN
        total := greatest(cap + 1, guess);
    END IF;
END
$$;
"""

# VOLATILE: PostgreSQL allows EXPLAIN only in a volatile function.
DROP = "DROP FUNCTION IF EXISTS register_count(text, integer);"


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0015_bilingual_search_vector'),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
