"""The portal's date inputs, and the limits the domain's rules put on them.

The browser's checks come from the same declarations as the server's (the model's
``past_date_fields``), so a date the server accepts is never refused by the browser.
"""

from django import forms
from django.utils import timezone


class DateInput(forms.DateInput):
    """The phone's own date picker; ISO values are what it sends and expects."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def limit_to_the_past(form):
    """``max`` = today on the form's dates of what has already happened, and on no other.

    An agreement's effective and expiry dates lie in the future while it is in force, so they
    carry no maximum.
    """
    today = timezone.localdate().isoformat()
    for name in form._meta.model.past_date_fields:
        if name in form.fields:
            form.fields[name].widget.attrs["max"] = today
