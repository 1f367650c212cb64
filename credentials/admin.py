from django.contrib import admin

from config.admin import ReadOnlyAdmin

from .models import Attachment, FieldOfStudy, Framework, Level, MicroCredential


class LevelInline(admin.TabularInline):
    model = Level
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    """Administrators maintain frameworks (docs/rules.md, "Levels and credit": frameworks are data)."""

    list_display = ["code", "name", "name_fr", "is_default", "position"]
    inlines = [LevelInline]


@admin.register(FieldOfStudy)
class FieldOfStudyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_fr"]
    search_fields = ["code", "name", "name_fr"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    exclude = ["file"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MicroCredential)
class MicroCredentialAdmin(ReadOnlyAdmin):
    """Read only: providers write through their pages and the API, where the rules apply."""

    list_display = ["title", "provider", "proposed_level", "updated_at", "locked_reason"]
    list_filter = ["provider"]
    search_fields = ["title", "provider__name"]
    list_select_related = ["provider", "proposed_level"]
    inlines = [AttachmentInline]
