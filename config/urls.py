from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import language as account_language
from accounts import views as account_views
from assessment import views as assessment_views
from credentials.api.vc import DidDocumentView

from .health import healthz
from .schema import EnglishSchemaView

admin.site.site_header = gettext_lazy("Agency administration")
admin.site.site_title = gettext_lazy("Agency administration")

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("credentials.api.urls")),
    path("", include("assessment.api.urls")),
]

# Every page in English at its path and in French under /fr/ (config/locale.py); the API,
# the health check and the admin site have no language prefix.
urlpatterns = i18n_patterns(
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("microcredentials/", include("credentials.urls")),
    path("applications/", include("assessment.urls")),
    path("queue/", assessment_views.queue, name="queue"),
    path("dashboard/", assessment_views.dashboard_page, name="dashboard"),
    path("dashboard/export.csv", assessment_views.dashboard_export, name="dashboard-export"),
    path("", include("credentials.register_urls")),
    prefix_default_language=False,
) + [
    path("language/<str:code>/", account_language.language_switch, name="language-switch"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path(".well-known/did.json", DidDocumentView.as_view(), name="did-document"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", EnglishSchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script.
    # Swagger UI draws its icons as data: images, which no other page needs.
    path("api/docs/", csp_update({"img-src": ["data:"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html")),
        name="swagger-ui"),
]
