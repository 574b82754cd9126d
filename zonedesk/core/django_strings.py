"""Django messages that Django's own zh_Hans catalogue lacks (they changed in Django 5.2).

Never called: it only lets `makemessages` put these msgids into our catalogue, which takes
precedence over Django's (LOCALE_PATHS).
"""

from django.utils.translation import gettext, ngettext


def _catalogue_only():  # pragma: no cover
    ngettext(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        8,
    )
    # Django's own translations of these say 你; every other string of ours says 您.
    gettext("Your old password was entered incorrectly. Please enter it again.")
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        8,
    )
    gettext("Your password can’t be too similar to your other personal information.")
    gettext("Your password can’t be entirely numeric.")
