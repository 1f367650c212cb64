"""The register's SQL that the ORM cannot say, one statement per function, each with its
reason. Table names are written out (they are the models' `db_table`; a test checks they
still are) and every value is a parameter."""

from django.db import connection

# One statement that locks the rows in id order (two sweeps wait for each other instead of
# deadlocking), computes each entry's own end date and reason and writes its history row
# (atomic by itself, whoever calls it): the ORM cannot lock in a subquery of an UPDATE nor
# RETURN the ids it changed. Dates are written as ISO text whatever the server's DateStyle.
_LAPSE = """
WITH lapsed AS (
    UPDATE credentials_assessment
    SET status = %(lapsed)s, current_until = review_due_date + %(days)s::int,
        status_reason = 'The periodic review due on ' || to_char(review_due_date, 'YYYY-MM-DD') || ' was not filed.'
    WHERE id IN (SELECT id FROM credentials_assessment WHERE id = ANY(%(ids)s) ORDER BY id FOR UPDATE)
      AND status = %(current)s
    RETURNING id, status_reason
)
INSERT INTO credentials_assessmentevent
    (assessment_id, at, actor_id, action, from_status, to_status, public_note, internal_note)
SELECT id, %(now)s, NULL, %(action)s, %(current)s, %(lapsed)s, status_reason, ''
FROM lapsed
RETURNING assessment_id
"""


# The entries whose honoured period ended and their history rows in one statement (atomic by
# itself, one round trip on the usual day with nothing to end): the ORM's update() answers only
# a count. A sweep running beside it waits for the rows, then finds them no longer expiring.
_DISCONTINUE_ENDED = """
WITH ended AS (
    UPDATE credentials_assessment SET status = %(discontinued)s
    WHERE status = %(expiring)s AND current_until < %(as_of)s
    RETURNING id, current_until
)
INSERT INTO credentials_assessmentevent
    (assessment_id, at, actor_id, action, from_status, to_status, public_note, internal_note)
SELECT id, %(now)s, NULL, %(action)s, %(expiring)s, %(discontinued)s,
       'Honoured until ' || to_char(current_until, 'YYYY-MM-DD') || '.', ''
FROM ended
RETURNING assessment_id
"""


def assessments_discontinue_ended(*, as_of, expiring, discontinued, action, now) -> int:
    """Set the `expiring` entries whose honoured period ended before `as_of` to
    `discontinued`, each with its history row (`action`, no actor); answers how many."""
    with connection.cursor() as cursor:
        cursor.execute(_DISCONTINUE_ENDED, {
            "discontinued": discontinued, "expiring": expiring, "as_of": as_of, "action": action, "now": now,
        })
        return len(cursor.fetchall())


def assessments_lapse_update(*, assessment_ids, lapse_after_days, lapsed, current, action, now) -> list[int]:
    """Set the `current` entries among `assessment_ids` to `lapsed`, each current until its
    review due date plus `lapse_after_days`, each with its history row (`action`, no actor);
    answers the ids that changed."""
    with connection.cursor() as cursor:
        cursor.execute(_LAPSE, {
            "lapsed": lapsed, "days": lapse_after_days, "ids": list(assessment_ids), "current": current,
            "action": action, "now": now,
        })
        return [row[0] for row in cursor.fetchall()]
