"""The errors that services raise when a business rule refuses an action."""


class ApplicationError(Exception):
    """A rule of the campaign was broken by what was asked; ``message`` is shown to the user as it is.
    The API answers it with ``status`` (400: the request itself is wrong)."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class Conflict(ApplicationError):
    """The request is well formed, but the object's current state refuses it (a closed task, an issue
    in another state, a decision already taken): HTTP 409 in the API."""

    status = 409
