"""The clock of every open case at once: the daily sweep (with its alerts) and the recompute
after closure days change. The one-case rule is clock.py's; this is its bulk version."""

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models.functions import TruncDate
from django.utils import timezone

from .. import clock, clock_bulk, notifications
from ..bulk_sql import clock_rows_update
from ..calendar import agency_calendar
from ..models import (
    Application,
    InformationRequest,
)

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class SlaSweepResult:
    """What one run of the clock sweep did."""

    today: dt.date
    recomputed: int
    changed: int
    alerts: int

    def __str__(self):
        return "SLA sweep for %s: %d open case(s) recomputed, %d changed, %d alert(s) queued." % (
            self.today.isoformat(), self.recomputed, self.changed, self.alerts,
        )


def _open_clocks_write(*, today) -> tuple[int, int, dict[int, str]]:
    """Recompute every open case's clock on `today` and store the rows whose due date or
    status changed. Answers (cases recomputed, rows changed, {pk: status} of the cases now
    at risk or breached).

    Two queries read the cases and their pauses (the submission's agency date is computed
    by the database); one UPDATE writes the changed rows (bulk_sql.py). A row is written only
    if its state and stored clock are still those read: a transition that committed in the
    meantime already stored a fresher clock, which the sweep must not overwrite."""
    rows = list(
        Application.objects.filter(state__in=Application.OPEN_STATES)
        .annotate(submitted_on=TruncDate("submitted_at", tzinfo=clock.AGENCY_TIME_ZONE))
        .order_by().values_list("pk", "state", "submitted_on", "sla_due_date", "sla_status")
    )
    if not rows:
        return 0, 0, {}
    pks, states, submitted_on, due_dates, statuses = zip(*rows, strict=True)
    position = {pk: index for index, pk in enumerate(pks)}
    pauses = list(
        InformationRequest.objects.filter(application__state__in=Application.OPEN_STATES)
        .order_by().values_list("application_id", "requested_on", "responded_on")
    )
    pauses = [pause for pause in pauses if pause[0] in position]
    computed = clock_bulk.clock_states(
        clock_bulk.date_array(submitted_on),
        pause_case=np.fromiter((position[pause[0]] for pause in pauses), dtype=np.intp, count=len(pauses)),
        pause_requested_on=clock_bulk.date_array([pause[1] for pause in pauses]),
        pause_responded_on=clock_bulk.date_array([pause[2] for pause in pauses]),
        today=today,
        calendar=agency_calendar(),
    )
    new_status = computed.status
    stored_due = clock_bulk.date_array(due_dates)
    new_due = computed.due_date
    # NaT never equals NaT: a draft-like missing due date compares by its missing-ness.
    same_due = (stored_due == new_due) | (np.isnat(stored_due) & np.isnat(new_due))
    changed = np.flatnonzero(~same_due | (np.array(statuses, dtype=object) != new_status))
    # Arrays to Python objects in bulk (NaT becomes None), not one numpy scalar at a time.
    changed_due = new_due[changed].astype(object).tolist()
    changed_status = new_status[changed].tolist()
    written = clock_rows_update([
        (pks[i], states[i], due_dates[i], statuses[i], changed_due[k], changed_status[k])
        for k, i in enumerate(changed.tolist())
    ])
    alerting = {
        pks[i]: str(new_status[i])
        for i in np.flatnonzero(np.isin(new_status, [clock.AT_RISK, clock.BREACHED]))
    }
    return len(rows), written, alerting


def open_clocks_recompute(*, today=None) -> int:
    """Recompute `sla_due_date` and `sla_status` of every open application (submitted, in
    review, awaiting the provider, recommended) in bulk, e.g. after closure days changed.
    Decided and withdrawn applications keep their clock (`met`, `missed`, `stopped`).
    Answers how many rows changed. Sends no alerts: the daily sweep does (`sla_sweep`).

    Runs on commit after `calendar_changed`, so it reads the new closure days."""
    today = today or clock.agency_date(timezone.now())
    with transaction.atomic():
        recomputed, changed, _ = _open_clocks_write(today=today)
    logger.info("open clocks recomputed: %d of %d changed", changed, recomputed)
    return changed


def sla_sweep(*, today=None) -> SlaSweepResult:
    """The daily clock sweep (docs/api.md, `sla_sweep`): recompute every open case's clock
    in bulk, then alert, each once, the assignee of a case that is at risk, and the assignee
    and every active approver of a case that has breached.

    "Once" is the outbox key `sla:<id>:<status>`: a case alerted is never alerted again for
    that status, whether the sweep runs twice or the case goes at risk, pauses and comes back.
    The decision is the case's status now, not a change since the last run, so a case
    whose clock a transition stored (or a sweep that did not run for days) is still alerted.
    A case that jumps straight to breached gets only the breach alert. Alerts are written in
    the transaction that stores the clocks, and sent after it commits."""
    today = today or clock.agency_date(timezone.now())
    with transaction.atomic():
        recomputed, changed, alerting = _open_clocks_write(today=today)
        alerts = notifications.sla_alerts(alerting, today=today, calendar=agency_calendar())
    result = SlaSweepResult(today=today, recomputed=recomputed, changed=changed, alerts=alerts)
    logger.info("%s", result)
    return result
