"""A NUL character typed or pasted into any form field gets a message that says so: Django's own
zh_Hans catalogue renders its validator's message as "empty string not allowed"."""

from django import forms
from django.utils import translation


def test_a_nul_character_is_named_in_chinese_and_english():
    class Form(forms.Form):
        note = forms.CharField()

    # compared inside the block: the messages are lazy, and read outside it they would take
    # whatever language an earlier test left active in this thread
    with translation.override("zh-hans"):
        errors = [str(e) for e in Form({"note": "a\x00b"}).errors["note"]]
    assert errors == ["不能包含空字符（NUL，编码 0 的不可见字符），请删除后重试。"]
    with translation.override("en"):
        errors = [str(e) for e in Form({"note": "a\x00b"}).errors["note"]]
    assert errors == ["Null characters are not allowed."]
