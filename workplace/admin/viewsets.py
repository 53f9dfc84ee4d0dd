"""The federation's data screens in the Wagtail admin, one ModelViewSet per kind of record.

Searches ignore Vietnamese diacritics ("huu lung" finds "Hữu Lũng") by comparing the folded
query with each row's folded ``search_text``. Stored codes are shown in words (booleans as
Có/Không, the audit log's channels and kinds of records), through ``labels``.
"""

import datetime

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.active_filters import (
    ActiveFilter,
    BaseFilterAdapter,
    register_filter_adapter_class,
)
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.models import formfield_for_dbfield as admin_formfield
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.coreutils import multigetattr
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..history import describe_all
from ..models import (
    Area,
    AuditEntry,
    CollectiveAgreement,
    Dialogue,
    Enterprise,
    HeadcountDeclaration,
    ImportLog,
    InspectionBoard,
    OfficialsConference,
    Regulation,
    StaleRecordError,
    UnionBody,
    WorkerConference,
)
from ..spreadsheets import xlsx_date_format
from ..text import fold
from .access import FederationOnlyViewSetMixin
from .downloads import SafeSpreadsheetExportMixin
from .history import AuditHistoryView
from .labels import (
    kind_choices,
    kind_label,
    record_kind_choices,
    record_kind_label,
    source_choices,
    source_label,
    yes_no,
)
from .periods import period_viewset

# Bookkeeping columns every data screen's inspect view leaves out: they mean nothing to people.
INTERNAL_FIELDS = ["search_text", "version", "path"]
# The bookkeeping columns it shows, which their model names for no one.
BOOKKEEPING_LABELS = {"created_at": _("Created at"), "updated_at": _("Updated at")}
NOTHING = "—"


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


def model_field(model, name):
    """The model field called ``name``, or None (a column may be a method or an object)."""
    try:
        return model._meta.get_field(name) if isinstance(name, str) else None
    except FieldDoesNotExist:
        return None


def value_label(model, name, labels):
    """The function that puts field ``name``'s stored value into words, if it needs one."""
    if name in labels:
        return labels[name]
    if isinstance(model_field(model, name), models.BooleanField):
        return yes_no
    return None


def foreign_keys(model, names):
    """The names among ``names`` that are foreign keys of ``model`` (columns may be objects)."""
    keys = []
    for name in names:
        field = model_field(model, name)
        if field is not None and field.many_to_one:
            keys.append(name)
    return keys


class RelatedColumnsIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """Fetch the foreign keys a listing or its export shows (an enterprise, an area, an author)
    in the rows' own query, not one query per row: a page or an export then costs the same
    number of queries however many rows it holds.

    Columns show stored codes in words: booleans as Có/Không, and the fields named in
    ``value_labels`` through their function. XLSX exports show dates as dd/mm/yyyy and times
    in the site's time zone.
    """

    #: {field name: function putting its stored value into words}
    value_labels = {}

    custom_value_preprocess = {
        **generic.IndexView.custom_value_preprocess,
        datetime.datetime: {
            generic.IndexView.FORMAT_XLSX: lambda value: (
                timezone.make_naive(value) if timezone.is_aware(value) else value
            )
        },
    }

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        columns = self.list_export if self.is_export else self.list_display
        keys = foreign_keys(self.model, columns)
        # select_related() with no names would follow every foreign key: only name them.
        return queryset.select_related(*keys) if keys else queryset

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        column = super()._get_custom_column(field_name, column_class, **kwargs)
        label = value_label(self.model, field_name, self.value_labels)
        if label is not None:
            stored = column.accessor
            column.accessor = lambda instance: label(multigetattr(instance, stored))
        return column

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format):
            if isinstance(cell.value, datetime.date):
                cell.number_format = xlsx_date_format(cell.value)
            yield cell


class YesNoFilterAdapter(BaseFilterAdapter):
    """A boolean filter in force reads "Đang hoạt động: Có", not "True"."""

    def get_active_filters(self):
        yield ActiveFilter(
            self.bound_field.auto_id,
            self.filter.label,
            yes_no(self.value),
            self.get_url_without_filter_param(self.name),
        )


register_filter_adapter_class(django_filters.BooleanFilter, YesNoFilterAdapter)


class LabelledInspectView(generic.InspectView):
    """An inspect view that shows stored codes in words, like the listings."""

    value_labels = {}

    def get_field_label(self, field_name, field):
        if field_name in BOOKKEEPING_LABELS:
            return BOOKKEEPING_LABELS[field_name]
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        label = value_label(self.model, field_name, self.value_labels)
        if label is not None:
            return label(getattr(self.object, field_name))
        value = super().get_field_display_value(field_name, field)
        return NOTHING if value is None else value


class AuditInspectView(LabelledInspectView):
    """An audit entry, with each changed field as "label: before → after" in words."""

    def get_changes_display_value(self):
        (described,) = describe_all([self.object], self.request.user)
        if not described["changes"]:
            return NOTHING
        items = format_html_join(
            "",
            "<li>{}: {} → {}</li>",
            (
                (change["label"], change["before"] or NOTHING, change["after"] or NOTHING)
                for change in described["changes"]
            ),
        )
        return format_html('<ul class="w-list-none w-p-0 w-m-0">{}</ul>', items)


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


class DataViewSet(FederationOnlyViewSetMixin, ModelViewSet):
    """What every data screen shares: folded search, spreadsheet export, version-checked forms."""

    index_view_class = FoldedSearchIndexView
    edit_view_class = RefusalAwareEditView
    delete_view_class = RefusalAwareDeleteView
    inspect_view_class = LabelledInspectView
    history_view_class = AuditHistoryView
    search_fields = ["search_text"]
    search_backend_name = None
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = INTERNAL_FIELDS

    def formfield_for_dbfield(self, db_field, **kwargs):
        # Wagtail's admin widgets: the searchable unit chooser for a record's enterprise (a
        # drop-down list of every unit is unusable at 150,000 units) and date pickers.
        return admin_formfield(db_field, **kwargs)

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type(
            form_class.__name__, (VersionedAdminForm, form_class), {"Meta": form_class.Meta}
        )


class AreaViewSet(DataViewSet):
    model = Area
    icon = "site"
    list_display = ["name", "code", "kind", "era", "parent"]
    list_filter = ["era", "kind", "official"]
    list_export = ["code", "name", "kind", "era", "parent"]
    form_fields = ["code", "name", "kind", "era", "parent"]
    export_filename = "areas"

    def get_form_class(self, for_update=False):
        return ModelViewSet.get_form_class(self, for_update)


class UnionBodyViewSet(AreaViewSet):
    model = UnionBody
    icon = "group"
    list_display = ["name", "code", "parent", "closed_on"]
    list_filter = []
    list_export = ["code", "name", "parent", "closed_on"]
    form_fields = ["code", "name", "parent"]
    export_filename = "union_bodies"


class EnterpriseViewSet(DataViewSet):
    model = Enterprise
    icon = "doc-full"
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
    list_display = ["enterprise", "as_of", "union_members", "workers", "operating"]
    list_filter = ["operating", "as_of"]
    list_export = ["enterprise", "as_of", "union_members", "workers", "operating"]
    form_fields = ["enterprise", "as_of", "union_members", "workers", "operating"]
    export_filename = "headcounts"


class ConferenceViewSet(RecordViewSet):
    model = WorkerConference
    icon = "calendar"
    list_display = ["enterprise", "held_on", "form", "attendees"]
    list_filter = ["form", "held_on"]
    list_export = ["enterprise", "held_on", "form", "attendees"]
    form_fields = ["enterprise", "held_on", "form", "attendees"]
    export_filename = "conferences"


class OfficialsConferenceViewSet(RecordViewSet):
    model = OfficialsConference
    icon = "calendar-check"
    list_display = ["enterprise", "held_on", "attendees"]
    list_filter = ["held_on"]
    list_export = ["enterprise", "held_on", "attendees"]
    form_fields = ["enterprise", "held_on", "attendees"]
    export_filename = "officials_conferences"


class InspectionBoardViewSet(RecordViewSet):
    model = InspectionBoard
    icon = "glasses"
    list_display = ["enterprise", "elected_on", "term_ends_on", "members"]
    list_filter = ["elected_on", "term_ends_on"]
    list_export = ["enterprise", "elected_on", "term_ends_on", "members"]
    form_fields = ["enterprise", "elected_on", "term_ends_on", "members"]
    export_filename = "inspection_boards"


class RegulationViewSet(RecordViewSet):
    model = Regulation
    icon = "clipboard-list"
    list_display = ["enterprise", "issued_on", "revised_on"]
    list_filter = ["issued_on", "revised_on"]
    list_export = ["enterprise", "issued_on", "revised_on"]
    form_fields = ["enterprise", "issued_on", "revised_on"]
    export_filename = "regulations"


class AgreementViewSet(RecordViewSet):
    model = CollectiveAgreement
    icon = "doc-full-inverse"
    list_display = [
        "enterprise",
        "signed_on",
        "effective_from",
        "expires_on",
        "submitted_on",
        "grade",
    ]
    list_filter = ["signed_on", "expires_on", "grade"]
    list_export = [
        "enterprise",
        "signed_on",
        "effective_from",
        "expires_on",
        "votes_for",
        "workers_consulted",
        "submitted_on",
        "grade",
        "graded_on",
        "workers_covered",
    ]
    form_fields = [
        "enterprise",
        "signed_on",
        "effective_from",
        "expires_on",
        "votes_for",
        "workers_consulted",
        "submitted_on",
        "grade",
        "graded_on",
        "workers_covered",
    ]
    export_filename = "agreements"


class DialogueViewSet(RecordViewSet):
    model = Dialogue
    icon = "comment"
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


class AuditFilterSet(WagtailFilterSet):
    source = django_filters.ChoiceFilter(label=_("through"), choices=source_choices)
    model = django_filters.ChoiceFilter(label=_("kind of record"), choices=record_kind_choices)

    class Meta:
        model = AuditEntry
        fields = ["action", "source", "model", "at"]


class ImportLogFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind of records"), choices=kind_choices)

    class Meta:
        model = ImportLog
        fields = ["status", "kind"]


class LogViewSet(FederationOnlyViewSetMixin, ModelViewSet):
    """What both logs share: read-only, shown in words, exported as they are."""

    index_view_class = RelatedColumnsIndexView
    inspect_view_class = LabelledInspectView
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None
    form_fields = []
    value_labels = {}

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(value_labels=self.value_labels, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(value_labels=self.value_labels, **kwargs)


class AuditEntryViewSet(LogViewSet):
    model = AuditEntry
    inspect_view_class = AuditInspectView
    icon = "history"
    menu_label = _("Audit log")
    value_labels = {"source": source_label, "model": record_kind_label}
    list_display = ["at", "actor_name", "source", "action", "model", "object_repr"]
    filterset_class = AuditFilterSet
    search_fields = ["object_repr", "actor_name", "reason"]
    list_export = ["at", "actor_name", "source", "action", "model", "object_repr", "reason"]
    inspect_view_fields_exclude = ["object_pk"]
    export_filename = "audit"


class ImportLogViewSet(LogViewSet):
    model = ImportLog
    icon = "upload"
    menu_label = _("Import log")
    value_labels = {"kind": kind_label}
    list_display = ["at", "actor", "kind", "file_name", "status", "rows", "new", "updated"]
    filterset_class = ImportLogFilterSet
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
        OfficialsConferenceViewSet("officials_conferences"),
        InspectionBoardViewSet("inspection_boards"),
        RegulationViewSet("regulations"),
        AgreementViewSet("agreements"),
        DialogueViewSet("dialogues"),
        period_viewset,
        AreaViewSet("areas"),
        UnionBodyViewSet("union_bodies"),
        AuditEntryViewSet("audit"),
        ImportLogViewSet("import_log"),
    )
