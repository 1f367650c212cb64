from django.contrib import admin

from .models import Application, ApplicationEvent


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "message"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read only: every change to a case goes through its service, which records it."""

    list_display = ["__str__", "kind", "state", "provider", "submitted_at"]
    list_filter = ["state", "kind"]
    search_fields = ["reference", "microcredential__title", "provider__name"]
    list_select_related = ["provider"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
