"""The API frame: pagination and throttling shared by every endpoint."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class AnonThrottle(AnonRateThrottle):
    """Rate from THROTTLE_ANON, read when the request arrives so settings overrides apply."""

    def get_rate(self):
        return settings.THROTTLE_ANON


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.THROTTLE_USER
