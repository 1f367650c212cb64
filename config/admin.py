"""What the agency's admin pages share."""

from django.contrib import admin
from django.db import models


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the services, where the rules apply: the admin
    shows them and runs its actions, nothing more."""

    # Web addresses typed without a scheme mean https, as on the provider's own form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
