from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.microcredential_list, name="list"),
    path("new/", views.microcredential_create, name="create"),
    path("completeness/", views.completeness_preview, name="completeness"),
    path("import/", views.catalogue_import, name="import"),
    path("import/template.csv", views.catalogue_template, name="import-template"),
    path("<int:pk>/", views.microcredential_detail, name="detail"),
    path("<int:pk>/edit/", views.microcredential_edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
