"""What the financing pages share: a refusal's words, and the field errors put on a form."""

from zonedesk.core.errors import DomainError, ValidationFailed


def refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(str(m) for msgs in exc.errors.values() for m in msgs)
    return str(exc.message)


def put_errors(form, exc: ValidationFailed) -> None:
    for name, messages in exc.errors.items():
        for m in messages:
            form.add_error(name if name in form.fields else None, m)
