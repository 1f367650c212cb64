import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from .calendar import calendar_changed
from .models import ClosureDay

logger = logging.getLogger(__name__)


def open_clocks_recompute() -> None:
    """SEAM for the workflow issue: recompute `sla_due_date` and `sla_status` of every open
    application (submitted, in review, awaiting the provider, recommended) with the new
    calendar, in bulk (`assessment.clock.clock_states`), e.g. by queueing the sweep's task.
    Decided and withdrawn applications keep their clock (`met`, `missed`, `stopped`).

    Runs on commit, after `calendar_changed`, so it reads the new closure days. Until
    Application exists there is no clock to recompute.
    """
    logger.info("Closure days changed; no application clocks to recompute yet")


def closure_day_changed() -> None:
    """Every change of closure days ends here, from the services and from the admin: on
    commit, other processes drop their cached calendar and the open cases' clocks are
    recomputed. Call it inside the transaction that made the change."""
    transaction.on_commit(calendar_changed)
    transaction.on_commit(open_clocks_recompute)


@transaction.atomic
def closure_day_create(*, date, reason) -> ClosureDay:
    closure_day = ClosureDay(date=date, reason=(reason or "").strip())
    closure_day.full_clean()
    closure_day.save()
    closure_day_changed()
    return closure_day


@transaction.atomic
def closure_day_update(*, closure_day: ClosureDay, date, reason) -> ClosureDay:
    closure_day.date = date
    closure_day.reason = (reason or "").strip()
    closure_day.full_clean()
    closure_day.save()
    closure_day_changed()
    return closure_day


@transaction.atomic
def closure_day_delete(*, closure_day: ClosureDay) -> None:
    if closure_day.pk is None:
        raise ValidationError("This closure day is not saved.")
    closure_day.delete()
    closure_day_changed()
