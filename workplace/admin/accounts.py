"""The Wagtail admin's account forms, with the tracker's own fields.

Federation staff create and edit accounts under Settings → Users: the role, the full name
(one field, as Vietnamese names are written), a reviewer's union body and an officer's units,
picked through a searchable chooser (``admin_choosers``).
An account created without a password gets an invitation e-mail instead (see
``wagtail_hooks``), so nobody has to pass passwords around.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from ..models import Enterprise, UnionBody, User
from .access import FederationOnlyViewSetMixin
from .choosers import UnitsChooserWidget
from .history import AccountHistoryView

ACCOUNT_FIELDS = ("full_name", "role", "union_body", "units")


class AccountFormMixin(forms.ModelForm):
    # One full name instead of Wagtail's first and last names.
    first_name = None
    last_name = None

    full_name = forms.CharField(label=_("Full name"), max_length=255)
    union_body = forms.ModelChoiceField(
        queryset=UnionBody.objects.order_by("path"),
        required=False,
        label=_("Union body"),
        help_text=_("Reviewers only: they see every unit of this body and the bodies under it."),
    )
    # Checked on the server whatever the widget sends: every id must be a stored unit. The
    # widget lists only the chosen units and finds others through a searchable chooser.
    units = forms.ModelMultipleChoiceField(
        queryset=Enterprise.objects.all(),
        required=False,
        label=_("Units"),
        help_text=_("Officers only: the enterprises whose records they keep."),
        widget=UnitsChooserWidget,
    )


class AccountCreationForm(AccountFormMixin, UserCreationForm):
    password_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "Leave both password fields blank to e-mail the owner an invitation: "
                "they then choose their own password."
            )

    def save(self, commit=True):
        user = super().save(commit=False)
        if not self.cleaned_data.get("password1"):
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user

    class Meta(UserCreationForm.Meta):
        model = User
        fields = {User.USERNAME_FIELD, "email", "is_superuser", "groups", *ACCOUNT_FIELDS}


class AccountEditForm(AccountFormMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = {
            User.USERNAME_FIELD,
            "email",
            "is_active",
            "is_superuser",
            "groups",
            *ACCOUNT_FIELDS,
        }


class AccountViewSet(FederationOnlyViewSetMixin, UserViewSet):
    create_template_name = "workplace/admin/users/create.html"
    edit_template_name = "workplace/admin/users/edit.html"
    history_view_class = AccountHistoryView

    def get_form_class(self, for_update=False):
        return AccountEditForm if for_update else AccountCreationForm
