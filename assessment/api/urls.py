from django.urls import path

from . import views

urlpatterns = [
    path("applications/", views.ApplicationListView.as_view(), name="api-applications"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="api-application"),
    path("applications/<int:pk>/submit/", views.ApplicationSubmitView.as_view(), name="api-application-submit"),
]
