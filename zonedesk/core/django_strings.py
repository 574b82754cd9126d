"""Django messages that Django's own zh_Hans catalogue lacks (they changed in Django 5.2).

Never called: it only lets `makemessages` put these msgids into our catalogue, which takes
precedence over Django's (LOCALE_PATHS).
"""

from django.utils.translation import ngettext


def _catalogue_only():  # pragma: no cover
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    )
