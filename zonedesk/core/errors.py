"""Domain errors raised by services; interfaces (pages, API, commands) turn them into responses."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class PermissionDenied(DomainError, DjangoPermissionDenied):
    """Also Django's PermissionDenied, so a page that lets it through answers 403 by itself."""

    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    default_message = _("Not found.")


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field name (or "__all__") to its messages."""

    default_message = _("The data is not valid.")

    def __init__(self, errors: Mapping[str, list[str]], message: str | None = None):
        self.errors = {field: [str(m) for m in msgs] for field, msgs in errors.items()}
        super().__init__(message)

    @classmethod
    def from_django(cls, exc: ValidationError) -> "ValidationFailed":
        if hasattr(exc, "error_dict"):
            return cls(
                {f: [m for e in errs for m in e.messages] for f, errs in exc.error_dict.items()}
            )
        return cls({"__all__": exc.messages})

    def __str__(self) -> str:
        parts = [
            f"{f}: {'; '.join(m)}" if f != "__all__" else "; ".join(m)
            for f, m in self.errors.items()
        ]
        return "; ".join(parts) or self.message


class StaleVersion(DomainError):
    """An edit made on an older version of a record than the stored one (someone saved a change
    in between): nothing was saved. `current` is the stored version; `changed_by` and
    `changed_at` name the last change when the audit log has it. Pages re-show the form with
    the stored values beside the user's; the API answers 409."""

    default_message = _("This record was changed by someone else after you opened it.")

    def __init__(
        self,
        message: str | None = None,
        *,
        current: int | None = None,
        expected: int | None = None,
        changed_by: str = "",
        changed_at=None,
    ):
        self.current, self.expected = current, expected
        self.changed_by, self.changed_at = changed_by, changed_at
        super().__init__(message)
