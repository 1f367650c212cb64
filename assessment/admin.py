from django.contrib import admin, messages
from django.db import transaction

from .models import ClosureDay
from .services import closure_day_changed

RECOMPUTE_NOTE = (
    "Closure days are not business days. Adding, changing or removing one recomputes the "
    "service clocks of open cases only; decided cases keep their met or missed."
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
