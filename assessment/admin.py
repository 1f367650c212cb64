from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy, ngettext

from config.admin import ReadOnlyAdmin

from .models import Application, ApplicationEvent, ClosureDay, OutboxMessage
from .outbox import outbox_resend
from .services import closure_day_changed


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "message"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Read only: every change to a case goes through its service, which records it."""

    list_display = ["__str__", "kind", "state", "provider", "submitted_at"]
    list_filter = ["state", "kind"]
    search_fields = ["reference", "microcredential__title", "provider__name"]
    list_select_related = ["provider"]
    inlines = [EventInline]


RECOMPUTE_NOTE = (
    gettext_lazy("Closure days are not business days. Adding, changing or removing one recomputes the "
    "service clocks of open cases only; decided cases keep their met or missed.")
)


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "reason"]
    search_fields = ["reason"]
    date_hierarchy = "date"
    ordering = ["-date"]
    fieldsets = [(None, {"fields": ["date", "reason"], "description": RECOMPUTE_NOTE})]

    @admin.display(description="Day")
    def weekday(self, obj):
        return obj.date.strftime("%A")

    # The admin writes the row itself (its form validated it); each write path, including
    # the changelist's bulk delete, calls the one service hook inside the same transaction.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            closure_day_changed()
        messages.info(request, RECOMPUTE_NOTE)

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            closure_day_changed()
        messages.info(request, RECOMPUTE_NOTE)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            super().delete_queryset(request, queryset)
            closure_day_changed()
        messages.info(request, RECOMPUTE_NOTE)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "recompute_note": RECOMPUTE_NOTE}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read only, with one decision left to a person: resending a message whose fate is
    uncertain (its sender died mid-send) or that the server refused (assessment/outbox/)."""

    list_display = ["key", "recipient", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    @admin.action(description=gettext_lazy("Resend (only after checking the recipient did not get it)"))
    def resend(self, request, queryset):
        count = outbox_resend(message_ids=list(queryset.values_list("pk", flat=True)))
        skipped = queryset.count() - count
        messages.info(request, ngettext(
            "%(count)d message queued again; %(skipped)d skipped (only uncertain or failed ones are resent).",
            "%(count)d messages queued again; %(skipped)d skipped (only uncertain or failed ones are resent).",
            count) % {"count": count, "skipped": skipped})
