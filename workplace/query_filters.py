"""What a query string names for the figure screens: a period, and a slice of units (an area
or a union body, each with its subtree, or a sector), and a unit's standing in the period.
Shared by the reviewer's pages and the federation's coverage report."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from .compliance import FALLS_SHORT, NOT_REQUIRED
from .models import Area, AreaEra, ReportingPeriod, Sector, UnionBody


def period_from_query(request):
    """The period named by ``?period=`` (404 when unknown), else the current one (or None)."""
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(ReportingPeriod, slug=slug)
    return ReportingPeriod.objects.current(timezone.localdate())


def filter_units_from_query(params, units, bodies=None):
    """Narrow ``units`` by the ``area`` (its ``Area.key``), ``union_body`` and ``sector``
    codes in ``params``.

    ``bodies`` limits which union bodies may be named (a reviewer's subtree); an unknown code
    is a 404. Returns the units, the clean filter values to carry along, and each filter
    described in words.
    """
    kept, described = {}, []
    if key := params.get("area"):
        area = Area.objects.by_key(key)
        if area is None:
            raise Http404(_("Unknown area."))
        units = units.filter(area_filter(area))
        kept["area"] = area.key
        described.append((_("Area"), area.name))
    if code := params.get("union_body"):
        body = get_object_or_404(UnionBody.objects.all() if bodies is None else bodies, code=code)
        units = units.filter(union_body__path__startswith=body.path)
        kept["union_body"] = body.code
        described.append((_("Union body"), body.name))
    if code := params.get("sector"):
        if code not in Sector.values:
            raise Http404(_("Unknown sector."))
        units = units.filter(sector=code)
        kept["sector"] = code
        described.append((_("Sector"), Sector(code).label))
    return units, kept, described


def area_filter(area):
    """The units under ``area``; for an area before the 2025 reform, also those that were
    there before they moved to today's map (a frozen breakdown's district finds its units)."""
    under = Q(area__path__startswith=area.path)
    if area.era == AreaEra.BEFORE_2025:
        under |= Q(area_before_2025__path__startswith=area.path)
    return under


# Where a unit stands in a period, by the name a query string gives it. Each condition reads
# the facts ``Enterprise.objects.with_shortfall_facts(period)`` adds to the units.
UNIT_STANDINGS = {
    "shortfall": FALLS_SHORT,
    "not_required": NOT_REQUIRED,
    "meets": ~FALLS_SHORT & ~NOT_REQUIRED,
}


def standing_choices():
    """The standings a list of units can be narrowed to, in words."""
    return [
        ("shortfall", _("Falls short")),
        ("not_required", _("Not required to hold a worker conference")),
        ("meets", _("Meets every indicator")),
    ]


def filter_units_by_standing(units, standing):
    """Only the units of ``units`` (with their shortfall facts) that stand as ``standing``
    (a key of ``UNIT_STANDINGS``); every unit for none. An unknown standing is a 404."""
    if not standing:
        return units
    if standing not in UNIT_STANDINGS:
        raise Http404(_("Unknown standing."))
    return units.filter(UNIT_STANDINGS[standing])
