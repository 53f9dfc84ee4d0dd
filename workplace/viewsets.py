"""The federation's data screens in the Wagtail admin, one ModelViewSet per kind of record.

Searches ignore Vietnamese diacritics ("huu lung" finds "Hữu Lũng") by comparing the folded
query with each row's folded ``search_text``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .admin_periods import period_viewset
from .models import (
    Area,
    AuditEntry,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    ImportLog,
    StaleRecordError,
    UnionBody,
    WorkerConference,
)
from .text import fold


class VersionedAdminForm(WagtailAdminModelForm):
    """Carries the version the editor started from, so a save over someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = getattr(self.instance, "version", None)

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk and self.cleaned_data.get("version"):
            self.instance.version = self.cleaned_data["version"]


class RefusalAwareEditView(generic.EditView):
    """A save refused by the model layer (stale copy, locked period) is shown on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except StaleRecordError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error.messages)
        self.produced_error_message = self.get_error_message()
        return self.form_invalid(form)


class RefusalAwareDeleteView(generic.DeleteView):
    """A delete refused by the model layer (a locked period) says why instead of failing."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


def foreign_keys(model, names):
    """The names among ``names`` that are foreign keys of ``model`` (columns may be objects)."""
    keys = []
    for name in names:
        try:
            field = model._meta.get_field(name) if isinstance(name, str) else None
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_one:
            keys.append(name)
    return keys


class RelatedColumnsIndexView(generic.IndexView):
    """Fetch the foreign keys a listing or its export shows (an enterprise, an area, an author)
    in the rows' own query, not one query per row: a page or an export then costs the same
    number of queries however many rows it holds."""

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        columns = self.list_export if self.is_export else self.list_display
        keys = foreign_keys(self.model, columns)
        # select_related() with no names would follow every foreign key: only name them.
        return queryset.select_related(*keys) if keys else queryset


class FoldedSearchIndexView(RelatedColumnsIndexView):
    """Search by the folded text of the row (or of its enterprise), accents or not."""

    search_text_field = "search_text"

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        folded = fold(self.search_query).strip()
        return queryset.filter(**{f"{self.search_text_field}__contains": folded})


class RecordIndexView(FoldedSearchIndexView):
    search_text_field = "enterprise__search_text"


class DataViewSet(ModelViewSet):
    """What every data screen shares: folded search, spreadsheet export, version-checked forms."""

    index_view_class = FoldedSearchIndexView
    edit_view_class = RefusalAwareEditView
    delete_view_class = RefusalAwareDeleteView
    search_fields = ["search_text"]
    search_backend_name = None
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type(
            form_class.__name__, (VersionedAdminForm, form_class), {"Meta": form_class.Meta}
        )


class AreaViewSet(DataViewSet):
    model = Area
    icon = "site"
    menu_label = _("Areas")
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    list_export = ["code", "name", "kind", "parent"]
    form_fields = ["code", "name", "kind", "parent"]
    export_filename = "areas"

    def get_form_class(self, for_update=False):
        return ModelViewSet.get_form_class(self, for_update)


class UnionBodyViewSet(AreaViewSet):
    model = UnionBody
    icon = "group"
    menu_label = _("Union bodies")
    list_display = ["name", "code", "parent"]
    list_filter = []
    list_export = ["code", "name", "parent"]
    form_fields = ["code", "name", "parent"]
    export_filename = "union_bodies"


class EnterpriseViewSet(DataViewSet):
    model = Enterprise
    icon = "doc-full"
    menu_label = _("Enterprises")
    list_display = ["name", "tax_code", "sector", "area", "union_body", "registration"]
    list_filter = ["registration", "sector", "union_body"]
    list_export = [
        "tax_code",
        "name",
        "sector",
        "area",
        "union_body",
        "union_established_on",
        "dissolved_on",
        "registration",
    ]
    form_fields = [
        "tax_code",
        "name",
        "sector",
        "area",
        "union_body",
        "union_established_on",
        "dissolved_on",
        "registration",
        "rejection_reason",
    ]
    export_filename = "enterprises"


class RecordViewSet(DataViewSet):
    index_view_class = RecordIndexView
    search_fields = ["enterprise__search_text"]


class HeadcountViewSet(RecordViewSet):
    model = HeadcountDeclaration
    icon = "user"
    menu_label = _("Headcount declarations")
    list_display = ["enterprise", "as_of", "union_members", "workers", "operating"]
    list_filter = ["operating", "as_of"]
    list_export = ["enterprise", "as_of", "union_members", "workers", "operating"]
    form_fields = ["enterprise", "as_of", "union_members", "workers", "operating"]
    export_filename = "headcounts"


class ConferenceViewSet(RecordViewSet):
    model = WorkerConference
    icon = "calendar"
    menu_label = _("Worker conferences")
    list_display = ["enterprise", "held_on", "form", "attendees"]
    list_filter = ["form", "held_on"]
    list_export = ["enterprise", "held_on", "form", "attendees"]
    form_fields = ["enterprise", "held_on", "form", "attendees"]
    export_filename = "conferences"


class AgreementViewSet(RecordViewSet):
    model = CollectiveAgreement
    icon = "doc-full-inverse"
    menu_label = _("Collective agreements")
    list_display = ["enterprise", "signed_on", "effective_from", "expires_on", "submitted_on"]
    list_filter = ["signed_on", "expires_on"]
    list_export = [
        "enterprise",
        "signed_on",
        "effective_from",
        "expires_on",
        "votes_for",
        "workers_consulted",
        "submitted_on",
    ]
    form_fields = [
        "enterprise",
        "signed_on",
        "effective_from",
        "expires_on",
        "votes_for",
        "workers_consulted",
        "submitted_on",
    ]
    export_filename = "agreements"


class DialogueViewSet(RecordViewSet):
    model = Dialogue
    icon = "comment"
    menu_label = _("Dialogues")
    list_display = ["enterprise", "held_on", "kind"]
    list_filter = ["kind", "held_on"]
    list_export = ["enterprise", "held_on", "kind"]
    form_fields = ["enterprise", "held_on", "kind"]
    export_filename = "dialogues"


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Listing and inspecting only: nobody adds, changes or deletes through the admin."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    index_view_class = RelatedColumnsIndexView
    icon = "history"
    menu_label = _("Audit log")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["at", "actor_name", "source", "action", "model", "object_repr"]
    list_filter = ["action", "source", "at"]
    search_fields = ["object_repr", "actor_name", "reason"]
    search_backend_name = None
    list_export = ["at", "actor_name", "source", "action", "model", "object_repr", "reason"]
    export_filename = "audit"
    form_fields = []


class ImportLogViewSet(AuditEntryViewSet):
    model = ImportLog
    icon = "upload"
    menu_label = _("Import log")
    list_display = ["at", "actor", "kind", "file_name", "status", "rows", "new", "updated"]
    list_filter = ["status", "kind"]
    search_fields = ["file_name", "kind"]
    list_export = [
        "at",
        "actor",
        "kind",
        "file_name",
        "checksum",
        "status",
        "rows",
        "new",
        "updated",
        "unchanged",
    ]
    export_filename = "imports"


# The logs are evidence: the admin shows them and offers nothing to change them.
register_permission_policy(AuditEntry, ReadOnlyPolicy(AuditEntry), exact_class=True)
register_permission_policy(ImportLog, ReadOnlyPolicy(ImportLog), exact_class=True)


class DataGroup(ModelViewSetGroup):
    menu_label = _("Workplace data")
    menu_icon = "folder-open-inverse"
    menu_order = 150
    items = (
        EnterpriseViewSet("enterprises"),
        HeadcountViewSet("headcounts"),
        ConferenceViewSet("conferences"),
        AgreementViewSet("agreements"),
        DialogueViewSet("dialogues"),
        period_viewset,
        AreaViewSet("areas"),
        UnionBodyViewSet("union_bodies"),
        AuditEntryViewSet("audit"),
        ImportLogViewSet("import_log"),
    )
