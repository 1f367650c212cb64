from django.urls import path

from . import register_views as views

app_name = "register"

urlpatterns = [
    path("register/", views.register_list, name="list"),
    path("register/<str:reference>/", views.register_detail, name="detail"),
    path("register/<str:reference>/revoke/", views.register_revoke, name="revoke"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify-code"),
    path("stack/", views.stack, name="stack"),
    path("stack/bulk-verify/", views.bulk_verify, name="bulk-verify"),
]
