from django.urls import path

from . import views

# The transitions keep the contract's names (`request-info`, `sign-off`) in their paths.
ACTIONS = [
    ("submit", "submit"),
    ("withdraw", "withdraw"),
    ("claim", "claim"),
    ("assign", "assign"),
    ("request-info", "request_info"),
    ("respond", "respond"),
    ("recommend", "recommend"),
    ("return", "return_"),
    ("sign-off", "sign_off"),
]

urlpatterns = [
    path("applications/", views.ApplicationListView.as_view(), name="api-applications"),
    path("applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="api-application"),
    path("applications/<int:pk>/decision-letter/", views.DecisionLetterView.as_view(),
         name="api-application-decision-letter"),
    *[
        path(
            "applications/<int:pk>/%s/" % slug,
            views.ApplicationActionViewSet.as_view({"post": method}, **getattr(views.ApplicationActionViewSet, method).kwargs),
            name="api-application-%s" % slug,
        )
        for slug, method in ACTIONS
    ],
]
