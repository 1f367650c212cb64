"""The agency's own closure days, which the business-day calendar leaves out."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy


class ClosureDay(models.Model):
    """A day the agency is closed: not a business day, so the clock does not count it."""

    date = models.DateField(
        unique=True,
        help_text=(
            gettext_lazy("A weekday the agency is closed. Ontario public holidays are already excluded; "
            "changing closure days recomputes the clocks of open cases only, never decided ones.")
        ),
    )
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return "%s (%s)" % (self.date.isoformat(), self.reason)
