"""The floor verification is measured against (benchmarks/verify.py): the app's settings and
URLs plus one bare Django view doing the same I/O as verification by code (one Redis
rate-limit increment, one SELECT of one row by a unique index, a small JSON answer), served
by the same gunicorn, through the same middleware. Used as DJANGO_SETTINGS_MODULE by the
benchmark only; the app's URLs never hold it."""

from config.settings.local import *  # noqa: F403

ROOT_URLCONF = "_verify_floor"


def floor(request, code):
    from django.core.cache import caches
    from django.db import connection
    from django.http import Http404, JsonResponse

    from config.client_address import client_address

    cache = caches["default"]
    cache._cache.get_client(write=True).incr(cache.make_key("floor:%s" % client_address(request)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, reference, title FROM credentials_assessment WHERE verification_code = %s",
                       [code])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    return JsonResponse({"status": row[0], "reference": row[1], "title": row[2]})


def _urlpatterns():
    from django.urls import path

    from config.urls import urlpatterns as app

    return [path("bench/floor/<str:code>/", floor), *app]


def __getattr__(name):
    # The URLs are read on the first request, once the apps are loaded (this module is the
    # settings too, read before they are).
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)
