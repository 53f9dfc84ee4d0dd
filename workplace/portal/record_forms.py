"""The forms an officer fills in for a unit's records: one per kind, phone-friendly.

Labels come from the models' verbose names and every rule of the models' ``clean()`` and
constraints surfaces on the field it concerns. The unit is never a form field: the view sets
it from the URL, so nothing posted can move a record to another unit.
"""

import datetime

from django import forms
from django.db.models import UniqueConstraint
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from workplace.dates import format_day
from workplace.documents import validate_document
from workplace.models import (
    CollectiveAgreement,
    Dialogue,
    HeadcountDeclaration,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    WorkerConference,
)

from .date_inputs import DateInput, limit_to_the_past

DOCUMENT_ACCEPT = ".pdf,.docx,.jpg,.jpeg,.png"
DOCUMENT_HELP = _("A PDF, Word (DOCX), JPEG or PNG file of at most 10 MB.")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"min": 0, "inputmode": "numeric", **(attrs or {})})


class DocumentInput(forms.ClearableFileInput):
    """A file input that names the stored file without linking to the storage.

    Documents are private: the only way to read one is the portal's download view, so the
    widget must not print a storage URL.
    """

    template_name = "portal/records/document_input.html"
    clear_checkbox_label = _("Remove the attached file")
    initial_text = _("A file is attached")
    input_text = _("Replace it with")

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class RecordForm(forms.ModelForm):
    """What every record form shares: dates, the version of an edited copy, natural keys."""

    document_fields = ()

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
        limit_to_the_past(self)
        self.limit_to_the_unions_life()
        for name in self.document_fields:
            field = self.fields[name]
            field.validators.append(validate_document)
            field.widget.attrs["accept"] = DOCUMENT_ACCEPT
            field.help_text = DOCUMENT_HELP

    @property
    def date_field(self):
        return self._meta.model.date_field

    def limit_to_the_unions_life(self):
        """``min`` on the record's date: the union's establishment, as the model's rule says."""
        earliest = self.instance.earliest_record_date
        if earliest is not None:
            self.fields[self.date_field].widget.attrs["min"] = earliest.isoformat()

    def natural_key_constraint(self):
        for constraint in self._meta.model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and "enterprise" in constraint.fields:
                return constraint
        return None

    def duplicate_message(self):
        return self.natural_key_constraint().violation_error_message

    def clean(self):
        cleaned = super().clean()
        self.check_natural_key(cleaned)
        return cleaned

    def check_natural_key(self, cleaned):
        """Refuse a second record of the unit with the same natural key, on its date field.

        The model's unique constraint cannot be checked by the form itself because the unit
        is not one of its fields.
        """
        constraint = self.natural_key_constraint()
        if constraint is None or self.instance.enterprise_id is None:
            return
        key = {name: cleaned.get(name) for name in constraint.fields if name != "enterprise"}
        if any(value in (None, "") for value in key.values()):
            return
        others = self._meta.model._default_manager.filter(
            enterprise_id=self.instance.enterprise_id, **key
        )
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            self.add_error(self.date_field, self.duplicate_message())


class HeadcountForm(RecordForm):
    class Meta:
        model = HeadcountDeclaration
        fields = ["as_of", "union_members", "workers", "operating"]
        widgets = {
            "as_of": DateInput,
            "union_members": NumberInput,
            "workers": NumberInput,
        }
        help_texts = {
            "as_of": _("The day the figures below were counted."),
            "union_members": _("Workers of the enterprise who are union members on that day."),
            "workers": _("Everyone working for the enterprise on that day, members or not."),
        }


class ConferenceForm(RecordForm):
    document_fields = ("minutes",)

    class Meta:
        model = WorkerConference
        fields = ["held_on", "form", "attendees", "minutes"]
        widgets = {"held_on": DateInput, "attendees": NumberInput, "minutes": DocumentInput}
        help_texts = {
            "form": _("Whether all workers attended or elected delegates did."),
            "attendees": _("How many people took part (optional)."),
        }


class AgreementForm(RecordForm):
    document_fields = ("document",)

    class Meta:
        model = CollectiveAgreement
        fields = [
            "signed_on",
            "effective_from",
            "expires_on",
            "workers_consulted",
            "votes_for",
            "submitted_on",
            "grade",
            "graded_on",
            "workers_covered",
            "document",
        ]
        widgets = {
            "signed_on": DateInput,
            "effective_from": DateInput,
            "expires_on": DateInput,
            "submitted_on": DateInput,
            "graded_on": DateInput,
            "votes_for": NumberInput,
            "workers_consulted": NumberInput,
            "workers_covered": NumberInput,
            "document": DocumentInput,
        }
        help_texts = {
            "workers_consulted": _("The workers asked to vote on the draft agreement."),
            "votes_for": _("It can be signed only when more than half of them voted in favour."),
            "submitted_on": _(
                "The law asks for the agreement to be sent within 10 days of signing. "
                "Leave empty if it has not been sent yet."
            ),
            "graded_on": _("The day the upper-level union graded the agreement."),
            "workers_covered": _("How many workers the agreement applies to (optional)."),
        }

    # The day the help text's example takes effect; its expiry dates come from the rule itself.
    EXAMPLE_START = datetime.date(2023, 1, 15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, last = CollectiveAgreement.expiry_window(self.EXAMPLE_START)
        self.fields["expires_on"].help_text = gettext(
            "An agreement runs for 1 to 3 years, counting the day it takes effect: one in force "
            "from %(start)s expires between %(first)s and %(last)s."
        ) % {
            "start": format_day(self.EXAMPLE_START),
            "first": format_day(first),
            "last": format_day(last),
        }
        # An agreement nobody has graded is the usual case: say so rather than show dashes.
        grades = [choice for choice in self.fields["grade"].choices if choice[0]]
        self.fields["grade"].choices = [("", gettext("Not graded")), *grades]


class DialogueForm(RecordForm):
    document_fields = ("minutes",)

    class Meta:
        model = Dialogue
        fields = ["held_on", "kind", "minutes"]
        widgets = {"held_on": DateInput, "minutes": DocumentInput}
        help_texts = {
            "kind": _("A periodic dialogue is held at least once a year; the others are ad hoc."),
        }


class OfficialsConferenceForm(RecordForm):
    class Meta:
        model = OfficialsConference
        fields = ["held_on", "attendees"]
        widgets = {"held_on": DateInput, "attendees": NumberInput}
        help_texts = {"attendees": _("How many people took part (optional).")}


class InspectionBoardForm(RecordForm):
    class Meta:
        model = InspectionBoard
        fields = ["elected_on", "term_ends_on", "members"]
        widgets = {"elected_on": DateInput, "term_ends_on": DateInput, "members": NumberInput}
        help_texts = {
            "elected_on": _("The day the board was elected."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fewest, most = InspectionBoard.MEMBERS
        self.fields["members"].widget.attrs.update(min=fewest, max=most)
        self.fields["members"].help_text = gettext(
            "A board has %(fewest)s to %(most)s members."
        ) % {"fewest": fewest, "most": most}
        self.fields["term_ends_on"].help_text = gettext(
            "The last day of the board's term. Officers are reminded %(days)s days before, "
            "to elect the next board in time."
        ) % {"days": InspectionBoard.TERM_WARNING_DAYS}


class RegulationForm(RecordForm):
    class Meta:
        model = Regulation
        fields = ["issued_on", "revised_on"]
        widgets = {"issued_on": DateInput, "revised_on": DateInput}
        help_texts = {
            "revised_on": _("The day of its latest revision; leave empty if it was never revised."),
        }
