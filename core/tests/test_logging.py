"""A 403 is logged once, as one line: Django's own console handler does not print it a second time,
and the traceback of ``PermissionDenied`` is left out."""

import logging

import pytest
from django.urls import reverse
from django.utils.log import configure_logging

from accounts.models import Role
from accounts.tests.factories import UserFactory


class Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def printed(record: logging.LogRecord) -> int:
    """How many console handlers of the configuration (Django's and ``LOGGING``'s are named "console")
    would print ``record``, walking up from its logger as logging does."""
    count, logger = 0, logging.getLogger(record.name)
    while logger is not None:
        count += sum(
            1
            for handler in logger.handlers
            if handler.name == "console" and record.levelno >= handler.level and handler.filter(record)
        )
        logger = logger.parent if logger.propagate else None
    return count


@pytest.mark.django_db
def test_it_logs_a_403_once_without_a_traceback(client, settings):
    settings.DEBUG = True  # Django's own console handler prints only with DEBUG on: the developer's case
    # The configuration as start-up leaves it: a Celery worker started earlier in this process re-plumbs it.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    collector = Collector()
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(collector)
    client.force_login(UserFactory(role=Role.STAFF))
    try:
        response = client.get(reverse("masterdata:index"))
    finally:
        request_logger.removeHandler(collector)

    assert response.status_code == 403
    [record] = collector.records
    assert record.getMessage() == "Forbidden (Permission denied): /masterdata/"
    assert record.exc_info is None
    assert printed(record) == 1
