"""Forms for a unit's profile. What an officer may change is decided by the form's fields,
never by what the browser posts: fields absent from a form are simply not read."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from workplace.models import Area, AreaEra, Enterprise, UnionBody
from workplace.text import normalise_tax_code

from .date_inputs import DateInput, limit_to_the_past


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        limit_to_the_past(self)

    def apply_version(self):
        self.instance.version = self.cleaned_data["version"]


class RegistrationForm(forms.ModelForm):
    """An officer registers their enterprise; it waits for a reviewer's verification."""

    class Meta:
        model = Enterprise
        fields = ["tax_code", "name", "sector", "area", "union_body", "union_established_on"]
        widgets = {"union_established_on": DateInput}
        help_texts = {
            "tax_code": _("10 digits, or 10 digits, '-' and 3 digits for a branch."),
            "union_body": _("The upper-level union that will verify the registration."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_the_past(self)
        offer_todays_map(self)

    def clean_tax_code(self):
        # As the model stores it: full-width digits typed on a phone are the same code.
        tax_code = normalise_tax_code(self.cleaned_data["tax_code"])
        if Enterprise.objects.filter(tax_code=tax_code).exists():
            raise forms.ValidationError(
                _(
                    "This tax code is already registered. Ask your upper-level union to add "
                    "you as an officer of the unit."
                )
            )
        return tax_code

    def validate_unique(self):
        # The tax code was checked above with a message an officer can act on.
        pass


class OfficerProfileForm(VersionedForm):
    """What an officer may keep current: never the tax code, area, union body or status."""

    class Meta:
        model = Enterprise
        fields = ["name", "sector", "union_established_on", "dissolved_on"]
        widgets = {"union_established_on": DateInput, "dissolved_on": DateInput}


class ReviewerProfileForm(VersionedForm):
    """Reviewers also correct the area and the union body, within their own subtree."""

    class Meta:
        model = Enterprise
        fields = [
            "tax_code",
            "name",
            "sector",
            "area",
            "union_body",
            "union_established_on",
            "dissolved_on",
        ]
        widgets = {"union_established_on": DateInput, "dissolved_on": DateInput}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_federation:
            # A reviewer cannot move a unit out of the subtree they answer for.
            self.fields["union_body"].queryset = UnionBody.objects.subtree(user.union_body)
            del self.fields["tax_code"]
        offer_todays_map(self, self.instance)


def offer_todays_map(form, unit=None):
    """A unit is filed under today's map (communes since the 2025 reform) and under a union
    body still open; the one it has now stays on offer, so saving other details keeps it."""
    current_area = unit.area_id if unit is not None else None
    current_body = unit.union_body_id if unit is not None else None
    form.fields["area"].queryset = Area.objects.filter(
        Q(era=AreaEra.FROM_2025) | Q(pk=current_area)
    ).order_by("era", "path")
    bodies = form.fields["union_body"].queryset
    form.fields["union_body"].queryset = bodies.filter(
        Q(closed_on__isnull=True) | Q(pk=current_body)
    )


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The officer who registered the unit will read this."),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for the rejection."))
        return reason


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or tax code"), required=False, max_length=100)
