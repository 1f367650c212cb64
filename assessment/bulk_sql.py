"""The casework's SQL that the ORM cannot say, one statement per function, each with its
reason. Table names are written out (they are the models' `db_table`; a test checks they
still are) and every value is a parameter: arrays travel as one parameter each, so a
statement's text is the same whatever the number of rows."""

from django.db import connection

# A row is written only if it still holds what the sweep read (a transition committed
# meanwhile stored a fresher clock); the ORM's bulk_update has no such per-row condition.
_CLOCK_ROWS_UPDATE = """
UPDATE assessment_application AS a SET sla_due_date = v.new_due, sla_status = v.new_status
FROM unnest(%s::bigint[], %s::text[], %s::date[], %s::text[], %s::date[], %s::text[])
     AS v(id, state, due, status, new_due, new_status)
WHERE a.id = v.id AND a.state = v.state AND a.sla_status = v.status
  AND a.sla_due_date IS NOT DISTINCT FROM v.due
"""


def clock_rows_update(changes) -> int:
    """Write (pk, state read, due read, status read, new due, new status) rows, each only if
    the row still holds what was read; answers how many were written."""
    if not changes:
        return 0
    columns = [list(column) for column in zip(*changes, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_CLOCK_ROWS_UPDATE, columns)
        return cursor.rowcount


# bulk_create(ignore_conflicts=True) does not say which rows a unique constraint refused;
# RETURNING does. The cases are inserted in entry order so their ids follow the entries'.
_REVIEW_CASES_INSERT = """
INSERT INTO assessment_application
    (kind, state, sla_status, declaration, summary, created_at,
     microcredential_id, provider_id, reviewed_assessment_id, review_cycle)
SELECT %(kind)s, %(state)s, %(sla_status)s, '', '', %(created_at)s,
       v.microcredential_id, v.provider_id, v.assessment_id, v.review_cycle
FROM unnest(%(microcredential_ids)s::bigint[], %(provider_ids)s::bigint[], %(assessment_ids)s::bigint[],
            %(review_cycles)s::smallint[]) AS v(microcredential_id, provider_id, assessment_id, review_cycle)
ORDER BY v.assessment_id
ON CONFLICT DO NOTHING
RETURNING reviewed_assessment_id, id
"""


def review_cases_insert(*, rows, kind, state, sla_status, created_at) -> list[tuple[int, int]]:
    """Insert one case per (microcredential id, provider id, assessment id, review cycle) row,
    skipping any a unique constraint refuses; answers (assessment id, case id) of those
    inserted."""
    if not rows:
        return []
    microcredential_ids, provider_ids, assessment_ids, review_cycles = (list(c) for c in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_REVIEW_CASES_INSERT, {
            "kind": kind, "state": state, "sla_status": sla_status, "created_at": created_at,
            "microcredential_ids": microcredential_ids, "provider_ids": provider_ids,
            "assessment_ids": assessment_ids, "review_cycles": review_cycles,
        })
        return cursor.fetchall()


# The flush records the messages the SMTP server accepted a batch at a time: one statement
# whatever the batch's size, each row only under the flush's own claim. A body is stored
# where the row had none (it was rendered as it was sent).
_OUTBOX_SENT_RECORD = """
UPDATE assessment_outboxmessage AS o
SET status = 'sent', sent_at = %s, last_error = '',
    body_text = coalesce(v.body_text, o.body_text), body_html = coalesce(v.body_html, o.body_html)
FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, body_text, body_html)
WHERE o.id = v.id AND o.claim_token = %s
"""


def outbox_sent_record(*, token, sent_at, rows) -> int:
    """Mark (pk, body_text or None, body_html or None) rows sent, each only if `token` still
    claims it; answers how many were marked."""
    if not rows:
        return 0
    ids, texts, htmls = (list(column) for column in zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(_OUTBOX_SENT_RECORD, [sent_at, ids, texts, htmls, token])
        return cursor.rowcount
