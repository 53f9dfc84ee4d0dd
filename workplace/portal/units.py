"""The portal's unit pages: the list of one's units, registration, the unit page, its profile
and, for reviewers, verification."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workplace.compliance import standing
from workplace.models import (
    Enterprise,
    HeadcountDeclaration,
    Regime,
    ReportingPeriod,
    StaleRecordError,
)

from .access import is_reviewer_or_staff, portal_view, reviewer_view, save_unless_busy, unit_for
from .records import document_attached, kinds_kept_by, lock_notice_of
from .unit_forms import (
    OfficerProfileForm,
    RegistrationForm,
    RejectionForm,
    ReviewerProfileForm,
    UnitSearchForm,
)

Registration = Enterprise.Registration


@portal_view
def home(request):
    """Every account starts from the units it may see, searchable."""
    form = UnitSearchForm(request.GET or None)
    units = Enterprise.objects.visible_to(request.user).select_related("area", "union_body")
    if form.is_valid() and form.cleaned_data["q"]:
        term = form.cleaned_data["q"].strip()
        units = units.filter(Q(name__icontains=term) | Q(tax_code__startswith=term))
    page = Paginator(units.order_by("name", "pk"), 50).get_page(request.GET.get("page"))
    pending = None
    if is_reviewer_or_staff(request.user):
        pending = Enterprise.objects.visible_to(request.user).filter(
            registration=Registration.PENDING
        )
        pending = pending.count()
    return render(
        request,
        "portal/units/home.html",
        {"form": form, "page": page, "pending": pending, "query": request.GET.get("q", "")},
    )


@portal_view
def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = form.save(commit=False)
        unit.registration = Registration.PENDING
        unit.registered_by = request.user

        def save():
            unit.save()
            request.user.units.add(unit)

        if not save_unless_busy(form, save):
            return render(request, "portal/units/register.html", {"form": form})
        messages.success(
            request,
            _("The unit is registered and waits for verification by %(body)s.")
            % {"body": unit.union_body.name},
        )
        return redirect("portal:unit", pk=unit.pk)
    return render(request, "portal/units/register.html", {"form": form})


def period_or_year_to_date(request):
    """The period asked for, or this year up to today under the current period's rules."""
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(ReportingPeriod, slug=slug)
    today = timezone.localdate()
    current = ReportingPeriod.objects.current(today)
    return ReportingPeriod(
        slug="",
        name=_("This year to date"),
        start=datetime.date(today.year, 1, 1),
        end=today,
        min_members=current.min_members if current else 10,
    )


def add_links(unit):
    """(URL segment, label) of each kind of record the unit's regime keeps."""
    return [(kind, spec.add_title) for kind, spec in kinds_kept_by(unit)]


def timeline(unit):
    """The unit's records of the kinds its regime keeps, newest first: one query per kind of
    record, and one for the locked periods that say which records can no longer be edited."""
    frozen_on = ReportingPeriod.objects.frozen_calendar()
    entries = []
    for kind, spec in kinds_kept_by(unit):
        for record in spec.model.objects.filter(enterprise=unit):
            entries.append(
                {
                    "kind": kind,
                    "record": record,
                    "date": record.record_date,
                    "locked": lock_notice_of(record, frozen_on),
                    "document": document_attached(spec, record),
                }
            )
    return sorted(entries, key=lambda e: (e["date"], e["kind"]), reverse=True)


@portal_view
def unit_page(request, pk):
    unit = unit_for(request.user, pk)
    period = period_or_year_to_date(request)
    latest = HeadcountDeclaration.objects.filter(enterprise=unit).order_by("-as_of").first()
    context = {
        "unit": unit,
        "period": period,
        "periods": ReportingPeriod.objects.order_by("-end", "start"),
        "latest": latest,
        "standing": standing(unit, period),
        "timeline": timeline(unit),
        "can_review": is_reviewer_or_staff(request.user),
        "can_add_records": unit.registration != Registration.REJECTED,
        "add_links": add_links(unit),
        "public_sector": Regime.of(unit.sector) == Regime.PUBLIC_SECTOR,
        "rejection_form": RejectionForm(),
    }
    return render(request, "portal/units/unit.html", context)


def profile_form(request, unit):
    data = request.POST or None
    if is_reviewer_or_staff(request.user):
        return ReviewerProfileForm(data, instance=unit, user=request.user)
    return OfficerProfileForm(data, instance=unit)


@portal_view
def edit_profile(request, pk):
    unit = unit_for(request.user, pk)
    form = profile_form(request, unit)
    stale = None
    if request.method == "POST" and form.is_valid():
        form.apply_version()
        try:
            saved = save_unless_busy(form, form.save)
        except StaleRecordError as error:
            stale = Enterprise.objects.get(pk=unit.pk)
            form.add_error(None, str(error))
            form.data = form.data.copy()
            form.data["version"] = stale.version
        else:
            if saved:
                messages.success(request, _("The unit's details were saved."))
                return redirect("portal:unit", pk=unit.pk)
    return render(request, "portal/units/edit.html", {"unit": unit, "form": form, "stale": stale})


def pending_unit_for(request, pk):
    unit = unit_for(request.user, pk)
    if not unit.may_be_verified:
        raise Http404
    return unit


@require_POST
@reviewer_view
def verify(request, pk):
    unit = pending_unit_for(request, pk)
    unit.verify(by=request.user)
    messages.success(request, _("The unit is verified and now counts in the figures."))
    return redirect("portal:unit", pk=unit.pk)


@require_POST
@reviewer_view
def reject(request, pk):
    unit = pending_unit_for(request, pk)
    if not unit.may_be_rejected:
        raise PermissionDenied
    form = RejectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the rejection."))
        return redirect("portal:unit", pk=unit.pk)
    unit.reject(by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("The registration was rejected."))
    return redirect("portal:unit", pk=unit.pk)


urlpatterns = [
    path("", home, name="home"),
    path("units/register/", register, name="unit_register"),
    path("units/<int:pk>/", unit_page, name="unit"),
    path("units/<int:pk>/edit/", edit_profile, name="unit_edit"),
    path("units/<int:pk>/verify/", verify, name="unit_verify"),
    path("units/<int:pk>/reject/", reject, name="unit_reject"),
]
