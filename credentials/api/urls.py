from django.urls import path

from . import views

urlpatterns = [
    path("frameworks/", views.FrameworkListView.as_view(), name="api-frameworks"),
    path("fields-of-study/", views.FieldOfStudyListView.as_view(), name="api-fields-of-study"),
    path("microcredentials/", views.MicroCredentialListView.as_view(), name="api-microcredentials"),
    path("microcredentials/import/", views.CatalogueImportView.as_view(), name="api-catalogue-import"),
    path("microcredentials/import/template.csv", views.CatalogueTemplateView.as_view(),
         name="api-catalogue-template"),
    path("microcredentials/<int:pk>/", views.MicroCredentialDetailView.as_view(), name="api-microcredential"),
    path("microcredentials/<int:pk>/attachments/", views.AttachmentCreateView.as_view(),
         name="api-microcredential-attachments"),
    path("microcredentials/<int:pk>/attachments/<int:attachment_id>/file/", views.AttachmentFileView.as_view(),
         name="api-microcredential-attachment-file"),
]
