"""The site's URLs plus a page and an endpoint whose database is gone, for core/tests/test_server_error.py."""

from django.db import OperationalError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from config import urls as site


def _database_gone(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


class _BrokenEndpoint(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    get = _database_gone


handler500 = site.handler500
urlpatterns = [
    path("broken/", _database_gone),
    path("api/v1/broken/", _BrokenEndpoint.as_view()),
    *site.urlpatterns,
]
