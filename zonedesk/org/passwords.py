"""The password rules of level 3 that Django does not have (settings.AUTH_PASSWORD_VALIDATORS).

Every password is set through org.services.user_set_password, which runs all the validators;
Django's own forms (the site administration) run them too.
"""

import functools
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

COMMON_ZH = Path(__file__).parent / "data" / "common-passwords-zh.txt"
# A listed password with up to this many characters added is still that password (Qq123456!).
DRESSING = 3


def character_classes(password: str) -> int:
    """How many of upper-case letters, lower-case letters, digits and other characters appear."""
    upper = any(c.isupper() for c in password)
    lower = any(c.islower() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isupper() or c.islower() or c.isdigit()) for c in password)
    return upper + lower + digit + other


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "The password must mix at least %(n)d of: upper-case letters, lower-case letters, "
            "digits and symbols."
        ) % {"n": self.min_classes}


class UsernameValidator:
    """Not the user name, nor containing it, nor contained in it (case ignored)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").casefold()
        folded = password.casefold()
        if len(username) >= 3 and (username in folded or folded in username):
            raise ValidationError(self.get_help_text(), code="password_has_username")

    def get_help_text(self):
        return _("The password may not contain your user name.")


@functools.cache
def _common_zh() -> tuple[frozenset[str], frozenset[str]]:
    """The list's passwords, and their letters alone where they have four or more (the pinyin
    or English word a password is built on: woaini in woaini1314)."""
    lines = COMMON_ZH.read_text(encoding="utf-8").splitlines()
    words = frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))
    stems = frozenset(s for s in (re.sub(r"[^a-z]", "", w) for w in words) if len(s) >= 4)
    return words, stems


class ChineseCommonPasswordValidator(CommonPasswordValidator):
    """Django's list of 20,000 common passwords; common Chinese passwords
    (org/data/common-passwords-zh.txt), also with capitals and up to DRESSING characters added
    (Qq123456!); and any password made of one of their words with digits and symbols
    (Woaini-1314!, Zhangwei@1988). One validator, so a password on both lists gets one message."""

    def validate(self, password, user=None):
        words, stems = _common_zh()
        folded = password.strip().lower()
        dressed = any(
            len(w) >= 6 and w in folded and len(folded) - len(w) <= DRESSING for w in words
        )
        if folded in self.passwords or dressed or re.sub(r"[^a-z]", "", folded) in stems:
            raise ValidationError(self.get_help_text(), code="password_too_common")

    def get_help_text(self):
        return _(
            "The password may not be a commonly used password (nor one with a few characters "
            "added), nor a common word or name with digits added."
        )


class PasswordHistoryValidator:
    """Not the current password nor one of the former ones kept (ZONEDESK["PASSWORD_HISTORY"]
    passwords in all)."""

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        n = settings.ZONEDESK["PASSWORD_HISTORY"]
        hashes = [user.password] if n > 0 else []
        hashes += list(user.password_history.values_list("password", flat=True)[: max(n - 1, 0)])
        if any(h and check_password(password, h) for h in hashes):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return _("The password may not be one of your last %(n)d passwords.") % {
            "n": settings.ZONEDESK["PASSWORD_HISTORY"]
        }
