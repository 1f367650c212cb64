"""The browsable API (DRF's HTML page of an endpoint, for a browser) under the site's policy.

DRF's templates carry a few inline styles (layout, code highlighting) and no inline script:
its pages alone allow inline styles, through django-csp's per-response update. Scripts stay
as strict as on every other page.
"""

from rest_framework.renderers import BrowsableAPIRenderer


class PolicyBrowsableAPIRenderer(BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
