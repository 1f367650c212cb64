"""The OpenAPI schema in English whatever language the request asks for."""

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView


class EnglishSchemaView(SpectacularAPIView):
    """The schema is the integrators' contract (field names, enum values, descriptions): one
    text in English, so it never differs with the client's Accept-Language. Rendered inside
    the override too, as the schema holds lazy translations until it becomes bytes."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response
