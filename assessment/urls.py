from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create, name="create"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    *[path("<int:pk>/%s/" % action, view, name=action) for action, view in views.ACTION_VIEWS.items()],
]
