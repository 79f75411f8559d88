"""How long the free text people type may be: one table that the model fields, the page forms and the
API serializers all read, so that what one door accepts the others accept too, and the schema says so.

Django's and DRF's own messages for a text too long are translated (确保该值不超过…); the forms also
give the textarea a ``maxlength``, so a browser stops the typing at the limit."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import ApplicationError


@dataclass(frozen=True)
class TextLimits:
    """The most characters each kind of free text may hold."""

    # What an inspector found, and a task's description (a rectification task copies its issue's).
    description: int = 2000
    # What was done: progress notes, rectification notes, dispatch and decision notes.
    note: int = 2000
    # Why: returning an issue, sending it back, asking for more time.
    reason: int = 1000

    @property
    def longest(self) -> int:
        """Enough for any of them: the record of a step keeps the text its step was given."""
        return max(self.description, self.note, self.reason)


TEXT_LIMITS = TextLimits()


def text_check(value: str, *, limit: int, what: str) -> None:
    """Refuse a text longer than ``limit``, for the services that take text from doors without a form
    (Open311, the admin's actions): the same limit, the same kind of message."""
    if len(value) > limit:
        raise ApplicationError(
            _("%(what)s may be at most %(limit)s characters long (this one has %(count)s).")
            % {"what": what, "limit": limit, "count": len(value)},
            code="text_too_long",
        )
