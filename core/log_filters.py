"""Filters of the log records (``LOGGING`` in config/settings.py)."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is a person asking for what their role does not give them: one line in the log (who
    asked for which address comes with it), not the traceback of ``PermissionDenied``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
