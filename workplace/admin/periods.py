"""Reporting periods in the Wagtail admin: the list, their forms, and their lifecycle.

Besides creating and editing periods, federation staff lock, publish and unlock them here
(through ``workplace.periods``), and open a period's status page: the figures frozen at lock
time beside today's live figures, so they see how far the records have moved since. Locking
is one POST; publishing, which cannot be taken back without a reason, first shows what will
become public and asks for confirmation; unlocking asks for a reason. A frozen period's dates
and rules cannot change, and a frozen period cannot be deleted.
"""

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import (
    DeleteView,
    EditView,
    IndexView,
    WagtailAdminTemplateMixin,
)
from wagtail.admin.views.generic.base import BaseObjectMixin, BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton

from .. import periods
from ..compliance import compute_coverage
from ..indicators import RATE_KEYS, export_headings, file_keys, flat_row, format_decimal
from ..models import ReportingPeriod
from .access import FederationOnlyViewSetMixin
from .downloads import SafeSpreadsheetExportMixin
from .history import AuditHistoryView

# --- the drift of a frozen period -----------------------------------------------------------


def _number(value, rate):
    if value is None:
        return "–"
    if rate:
        return format_decimal(value)
    return str(value)


def _signed(value, rate):
    if value is None:
        return "–"
    if not value:
        return "0"
    sign = "+" if value > 0 else "−"
    return sign + (format_decimal(abs(value)) if rate else str(abs(value)))


def figure_rows(totals):
    """Each figure of ``totals`` with its label, as shown to people."""
    labels = export_headings()
    totals = flat_row(totals)
    return [
        {"key": key, "label": labels[key], "value": _number(totals.get(key), key in RATE_KEYS)}
        for key in file_keys()
    ]


def drift_rows(frozen, live):
    """Each figure frozen and live, key by key, with live minus frozen (rates in points)."""
    labels = export_headings()
    frozen, live = flat_row(frozen or {}), flat_row(live)
    rows = []
    for key in file_keys():
        rate = key in RATE_KEYS
        before = frozen.get(key)
        now = live.get(key)
        difference = None
        if before == now:
            difference = 0  # unchanged, a rate with nothing to divide included
        elif before is not None and now is not None:
            difference = round(now - before, 1) if rate else now - before
        rows.append(
            {
                "key": key,
                "label": labels[key],
                "frozen": _number(before, rate),
                "live": _number(now, rate),
                "difference": difference,
                "shown_difference": _signed(difference, rate),
                "moved": bool(difference),
            }
        )
    return rows


# --- shared pieces of the views -------------------------------------------------------------


def periods_label():
    return capfirst(ReportingPeriod._meta.verbose_name_plural)


class PeriodUrlsMixin:
    """The URL names of the period's own views, given by the viewset."""

    status_url_name = None
    lock_url_name = None
    publish_url_name = None
    unlock_url_name = None

    def period_url(self, name, period):
        return reverse(getattr(self, f"{name}_url_name"), args=[quote(period.pk)])

    def lifecycle_buttons(self, period):
        """Lock, publish and unlock, as they apply: lock is sent as POST, publish and unlock
        open their confirmation and reason pages."""
        buttons = [
            Button(
                _("Status and figures"),
                url=self.period_url("status", period),
                icon_name="view",
                priority=5,
            )
        ]

        def post_button(label, name, icon, priority):
            return Button(
                label,
                icon_name=icon,
                priority=priority,
                attrs={
                    "data-controller": "w-action",
                    "data-action": "w-action#post",
                    "data-w-action-url-value": self.period_url(name, period),
                },
            )

        if not period.is_frozen:
            buttons.append(post_button(_("Lock"), "lock", "lock", 40))
        if period.status != ReportingPeriod.Status.PUBLISHED:
            buttons.append(
                Button(
                    _("Publish"),
                    url=self.period_url("publish", period),
                    icon_name="globe",
                    priority=41,
                )
            )
        if period.is_frozen:
            buttons.append(
                Button(
                    _("Unlock"),
                    url=self.period_url("unlock", period),
                    icon_name="lock-open",
                    priority=42,
                )
            )
        return buttons


class PeriodIndexView(PeriodUrlsMixin, SafeSpreadsheetExportMixin, IndexView):
    def get_delete_url(self, instance):
        if instance.is_frozen:
            return None
        return super().get_delete_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons += self.lifecycle_buttons(instance)
        return sorted(buttons)


class PeriodEditView(PeriodUrlsMixin, EditView):
    @cached_property
    def can_delete(self):
        return not self.object.is_frozen and super().can_delete

    @cached_property
    def header_more_buttons(self):
        return sorted([*super().header_more_buttons, *self.lifecycle_buttons(self.object)])

    def form_valid(self, form):
        # The model refuses a frozen period's new dates in clean(); a lock that lands between
        # validating and saving is refused by save() and shown on the form the same way.
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error.messages)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_url"] = self.period_url("status", self.object)
        return context


class PeriodDeleteView(PeriodUrlsMixin, DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.is_frozen:
            messages.error(
                request,
                _("The period “%(period)s” is %(status)s: unlock it before deleting it.")
                % {"period": self.object.name, "status": self.object.get_status_display().lower()},
            )
            return redirect(self.period_url("status", self.object))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        # A public results page, for one, keeps the period it shows from being deleted.
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("The period “%(period)s” is still used elsewhere, so it cannot be deleted.")
                % {"period": self.object.name},
            )
            return redirect(self.period_url("status", self.object))


class PeriodObjectMixin(PeriodUrlsMixin, PermissionCheckedMixin, BaseObjectMixin):
    model = ReportingPeriod
    permission_required = "change"
    index_url_name = None
    edit_url_name = None

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": periods_label()},
            {"url": self.period_url("status", self.object), "label": self.object.name},
            {"url": "", "label": self.get_page_title()},
        ]


# --- lock, publish, unlock ------------------------------------------------------------------


class PeriodOperationView(PeriodObjectMixin, BaseOperationView):
    """A lifecycle step, by POST only; back to the period's status page afterwards."""

    http_method_names = ["post"]

    def get_success_url(self):
        return self.next_url or self.period_url("status", self.object)


class LockView(PeriodOperationView):
    def perform_operation(self):
        self.was_frozen = self.object.is_frozen
        periods.lock(self.object)

    def get_success_message(self):
        if self.was_frozen:
            return _("The period “%(period)s” was already %(status)s: nothing changed.") % {
                "period": self.object.name,
                "status": self.object.get_status_display().lower(),
            }
        return _("The period “%(period)s” is locked: its figures are frozen.") % {
            "period": self.object.name
        }


class PublishView(PeriodOperationView, WagtailAdminTemplateMixin, TemplateView):
    """GET shows what publishing makes public, with its figures; POST publishes.

    Like Wagtail's delete confirmations: the figures stay public until someone unlocks the
    period with a reason, so nobody publishes with one stray click.
    """

    http_method_names = ["get", "head", "post"]
    template_name = "workplace/admin/periods/publish.html"
    header_icon = "globe"

    def get_page_title(self):
        return _("Publish")

    def get_page_subtitle(self):
        return self.object.name

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.object
        frozen = period.is_frozen and period.snapshot
        totals = period.snapshot["totals"] if frozen else compute_coverage(period)["totals"]
        context.update(
            {
                "period": period,
                "frozen": bool(frozen),
                "is_published": period.status == ReportingPeriod.Status.PUBLISHED,
                "rows": figure_rows(totals),
                "action_url": self.period_url("publish", period),
                "status_url": self.period_url("status", period),
            }
        )
        return context

    def perform_operation(self):
        self.was_published = self.object.status == ReportingPeriod.Status.PUBLISHED
        periods.publish(self.object)

    def get_success_message(self):
        if self.was_published:
            return _("The period “%(period)s” was already published: nothing changed.") % {
                "period": self.object.name
            }
        return _("The period “%(period)s” is published: its frozen figures are public.") % {
            "period": self.object.name
        }


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Why the period must be reopened. The reason is kept in the audit log."
        ),
    )


class UnlockView(PeriodObjectMixin, WagtailAdminTemplateMixin, FormView):
    """Unlocking takes a reason: the form asks for it, and an empty reason changes nothing."""

    form_class = UnlockForm
    template_name = "workplace/admin/periods/unlock.html"
    header_icon = "lock-open"

    def get_page_title(self):
        return _("Unlock")

    def get_page_subtitle(self):
        return self.object.name

    def form_valid(self, form):
        try:
            periods.unlock(self.object, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The period “%(period)s” is open again: its snapshot is dropped.")
            % {"period": self.object.name},
        )
        return redirect(self.period_url("status", self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "period": self.object,
                "action_url": self.period_url("unlock", self.object),
                "status_url": self.period_url("status", self.object),
            }
        )
        return context


# --- the status page ------------------------------------------------------------------------


class PeriodStatusView(PeriodObjectMixin, WagtailAdminTemplateMixin, TemplateView):
    """The period's state, its frozen totals and how far today's records have moved since."""

    permission_required = None
    any_permission_required = ["add", "change", "delete", "view"]
    template_name = "workplace/admin/periods/status.html"
    header_icon = "date"

    def get_page_title(self):
        return _("Status and figures")

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": periods_label()},
            {"url": "", "label": self.object.name},
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Edit"),
                url=reverse(self.edit_url_name, args=[quote(self.object.pk)]),
                icon_name="edit",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.object
        frozen = period.snapshot["totals"] if period.is_frozen and period.snapshot else None
        rows = drift_rows(frozen, compute_coverage(period)["totals"])
        context.update(
            {
                "period": period,
                "frozen": frozen is not None,
                "rows": rows,
                "has_drift": any(row["moved"] for row in rows),
                "lock_url": self.period_url("lock", period),
                "publish_url": self.period_url("publish", period),
                "unlock_url": self.period_url("unlock", period),
                "report_url": reverse("coverage_report") + f"?period={period.slug}",
                "is_published": period.status == ReportingPeriod.Status.PUBLISHED,
            }
        )
        return context


# --- the viewset ----------------------------------------------------------------------------


class DecimalsKeptForm:
    """A period's form that keeps the period's decimals when a post does not send them (one
    made before periods had them), as an import file without that column does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decimals"].required = False

    def clean_decimals(self):
        decimals = self.cleaned_data.get("decimals")
        return self.instance.decimals if decimals in (None, "") else decimals


class PeriodViewSet(FederationOnlyViewSetMixin, ModelViewSet):
    model = ReportingPeriod
    icon = "date"
    form_fields = ["slug", "name", "start", "end", "min_members", "decimals"]
    list_display = ["name", "slug", "start", "end", "min_members", "status"]
    copy_view_enabled = False
    index_view_class = PeriodIndexView
    edit_view_class = PeriodEditView
    delete_view_class = PeriodDeleteView
    history_view_class = AuditHistoryView
    edit_template_name = "workplace/admin/periods/edit.html"

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        return type(form_class.__name__, (DecimalsKeptForm, form_class), {"Meta": form_class.Meta})

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            status_url_name=self.get_url_name("status"),
            lock_url_name=self.get_url_name("lock"),
            publish_url_name=self.get_url_name("publish"),
            unlock_url_name=self.get_url_name("unlock"),
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/", self.construct_view(PeriodStatusView), name="status"),
            path("lock/<int:pk>/", self.construct_view(LockView), name="lock"),
            path("publish/<int:pk>/", self.construct_view(PublishView), name="publish"),
            path("unlock/<int:pk>/", self.construct_view(UnlockView), name="unlock"),
        ]


period_viewset = PeriodViewSet("periods")
