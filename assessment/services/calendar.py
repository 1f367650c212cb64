"""Closure days: the agency's own non-business days, which every case's clock counts."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..calendar import calendar_changed
from ..models import (
    ClosureDay,
)
from .clock_sweep import open_clocks_recompute


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
        raise ValidationError(_("This closure day is not saved."))
    closure_day.delete()
    closure_day_changed()
