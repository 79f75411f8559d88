"""Text messages to reporters: the one-time codes and the 回访 invitation, through a pluggable gateway.

``CITIZEN_SMS_BACKEND`` names a class with ``send(phone, text)``; the default writes the message to the log
(a closed network has no gateway). A real gateway (阿里云短信, 腾讯云短信 ...) is a class of the same shape."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class ConsoleBackend:
    """Logs each message instead of sending it: for development, tests and installations without a gateway."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class MemoryBackend:
    """Keeps each message in ``outbox``: for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append((phone, text))


def sms_send(*, phone: str, text: str) -> None:
    import_string(settings.CITIZEN_SMS_BACKEND)().send(phone, text)
