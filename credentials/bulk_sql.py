"""The register's SQL that the ORM cannot say, one statement per function, each with its
reason. Table names are written out (they are the models' `db_table`; a test checks they
still are) and every value is a parameter."""

from django.db import connection

# One UPDATE that locks the rows in id order (two sweeps wait for each other instead of
# deadlocking) and computes each entry's own end date and reason: the ORM cannot lock in a
# subquery of an UPDATE nor RETURN the ids it changed.
_LAPSE = """
UPDATE credentials_assessment SET status = %(lapsed)s, current_until = review_due_date + %(days)s::int,
       status_reason = 'The periodic review due on ' || review_due_date::text || ' was not filed.'
WHERE id IN (SELECT id FROM credentials_assessment WHERE id = ANY(%(ids)s) ORDER BY id FOR UPDATE)
  AND status = %(current)s
RETURNING id, status_reason
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
       'Honoured until ' || current_until::text || '.', ''
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


def assessments_lapse_update(*, assessment_ids, lapse_after_days, lapsed, current) -> dict[int, str]:
    """Set the `current` entries among `assessment_ids` to `lapsed`, each current until its
    review due date plus `lapse_after_days`; answers {id: its public reason} of those that
    changed (their history rows say it)."""
    with connection.cursor() as cursor:
        cursor.execute(_LAPSE, {
            "lapsed": lapsed, "days": lapse_after_days, "ids": list(assessment_ids), "current": current,
        })
        return dict(cursor.fetchall())
