"""The one error type that services raise when a business rule refuses an action."""


class ApplicationError(Exception):
    """A rule of the campaign was broken; ``message`` is shown to the user as it is."""

    def __init__(self, message: str, *, code: str = "invalid", extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
