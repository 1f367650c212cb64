from django.urls import path

from . import register, vc, views

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

urlpatterns += [
    path("assessments/", register.AssessmentListView.as_view(), name="api-assessments"),
    path("assessments/<str:reference>/", register.AssessmentDetailView.as_view(), name="api-assessment"),
    path("assessments/<str:reference>/credential/", vc.AssessmentCredentialView.as_view(),
         name="api-assessment-credential"),
    path("assessments/<str:reference>/letter/", register.AssessmentLetterView.as_view(), name="api-assessment-letter"),
    path("assessments/<str:reference>/revoke/", register.AssessmentRevokeView.as_view(), name="api-assessment-revoke"),
    path("verify/letter/", register.VerifyLetterView.as_view(), name="api-verify-letter"),
    path("verify/bulk/", register.BulkVerifyView.as_view(), name="api-verify-bulk"),
    path("verify/credential/", vc.VerifyCredentialView.as_view(), name="api-verify-credential"),
    path("verify/certificate.pem", register.VerifyCertificateView.as_view(), name="api-verify-certificate"),
    path("verify/<str:code>/", register.VerifyCodeView.as_view(), name="api-verify-code"),
    path("stack/", register.StackView.as_view(), name="api-stack"),
    path("stack/csv/", register.StackCsvView.as_view(), name="api-stack-csv"),
    path("stack/pdf/", register.StackPdfView.as_view(), name="api-stack-pdf"),
]

urlpatterns += [
    path("status-lists/revocation/", vc.StatusListView.as_view(), name="api-status-list"),
    path("register.jsonld", vc.RegisterJsonLdView.as_view(), name="api-register-jsonld"),
]
