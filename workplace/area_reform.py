"""The official area trees in the database, and units moved from the map before the reform of
1 July 2025 to the map after it.

``load`` writes an official list (``official_areas``) as areas of its era: new areas are
added, official areas whose name, kind or parent the list changed are updated, everything
else is left as it is, and the areas the federation created itself are never touched.

``plan_conversion`` says where each unit filed under an old area goes: to the one commune
that took its old ward over, or, where the ward was split between communes (or the unit was
filed above any ward), to a reviewer who chooses among the candidates (``PendingAreaMove``).
``convert`` carries the plan out in one transaction, each move saved like any change of a
unit, so it is in the audit log with its old and new area and the kept figures follow.
"""

import dataclasses

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import audit, official_areas
from .compliance import ancestor_paths, trees_changed
from .models import Area, AreaEra, Enterprise, PendingAreaMove

LISTS = {
    AreaEra.FROM_2025: official_areas.after_reform,
    AreaEra.BEFORE_2025: official_areas.before_reform,
}


class UnknownProvince(ValueError):
    pass


@dataclasses.dataclass
class LoadOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list = dataclasses.field(default_factory=list)  # the federation's own, by code


def official_rows(era, province=None):
    rows = LISTS[era]()
    if province is None:
        return list(rows)
    selected = official_areas.in_province(rows, province)
    if not selected:
        raise UnknownProvince(province)
    return selected


@transaction.atomic
def load(era, province=None):
    """Write the official list of ``era`` (one province's part of it if ``province``)."""
    outcome = LoadOutcome()
    stored = {area.code: area for area in Area.objects.filter(era=era).select_related("parent")}
    fresh = []
    for row in official_rows(era, province):
        if fresh and (row.kind != fresh[-1].kind or len(fresh) >= 2000):
            _create(fresh, outcome)  # a level at a time: every parent has its id first
        parent = stored.get(row.parent_code) if row.parent_code else None
        area = stored.get(row.code)
        if area is None:
            area = Area.built(row.code, row.name, parent, kind=row.kind, era=era, official=True)
            stored[row.code] = area
            fresh.append(area)
        elif not area.official:
            outcome.kept.append(area.code)
        elif (area.name, area.kind, area.parent_id) == (row.name, row.kind, parent and parent.pk):
            outcome.unchanged += 1
        else:
            area.name, area.kind, area.parent = row.name, row.kind, parent
            area.save()
            outcome.updated += 1
    _create(fresh, outcome)
    if outcome.created or outcome.updated:
        trees_changed()
    return outcome


def _create(fresh, outcome):
    """Write new areas in bulk."""
    Area.objects.bulk_create(fresh)
    outcome.created += len(fresh)
    fresh.clear()


# --- the conversion ---------------------------------------------------------------------------


@dataclasses.dataclass
class Plan:
    moves: list = dataclasses.field(default_factory=list)  # (unit, new area)
    choices: list = dataclasses.field(default_factory=list)  # (unit, candidate areas)
    # Units under an old area the mapping knows no commune for, or whose new communes are not
    # loaded yet (``load_areas`` for that province first).
    unmapped: list = dataclasses.field(default_factory=list)
    # The federation's industrial and economic zones on the old map, each with the province
    # of today's map it moves under (with its units).
    regrafts: list = dataclasses.field(default_factory=list)


def plan_conversion():
    """Where each unit filed on the map before the reform goes. An old area is known by its
    code, whether ``load_areas`` or the federation created it: a ward goes to the communes the
    official mapping gives; a district or province to those of the wards under it."""
    successors = official_areas.successors()
    new = {area.code: area for area in Area.objects.filter(era=AreaEra.FROM_2025)}
    plan = Plan(regrafts=_regrafts(new))
    carried = {area.pk for zone, _province in plan.regrafts for area in Area.objects.subtree(zone)}
    old_wards = {}  # an old area's path → the codes of the old wards under it
    old_areas = Area.objects.filter(era=AreaEra.BEFORE_2025, code__in=successors.keys())
    for area in old_areas.filter(kind=Area.Kind.COMMUNE):
        for ancestor in ancestor_paths(area.path):
            old_wards.setdefault(ancestor, []).append(area.code)
    units = (
        Enterprise.objects.filter(area__era=AreaEra.BEFORE_2025)
        .exclude(area__in=carried)
        .select_related("area")
        .order_by("area__path", "tax_code")
    )
    for unit in units:
        codes = _unique(
            code for ward in old_wards.get(unit.area.path, ()) for code in successors[ward]
        )
        candidates = [new[code] for code in codes if code in new]
        if not codes or len(candidates) < len(codes):
            plan.unmapped.append(unit)
        elif len(candidates) == 1:
            plan.moves.append((unit, candidates[0]))
        else:
            plan.choices.append((unit, candidates))
    return plan


def _unique(values):
    return list(dict.fromkeys(values))


def _regrafts(new):
    """The federation's zones on the old map (the top one of any nested), each with the
    province that took over its old province; a zone whose code, or a code under it, is
    taken on today's map stays, and its units are listed as not moved."""
    provinces = official_areas.province_successors()
    zones = Area.objects.filter(era=AreaEra.BEFORE_2025, kind=Area.Kind.ZONE).exclude(
        parent__kind=Area.Kind.ZONE
    )
    regrafts = []
    for zone in zones:
        root = zone.path.strip("/").split("/")[0].removesuffix(Area.BEFORE_2025_MARK)
        target = new.get(provinces.get(root, root))
        codes = Area.objects.subtree(zone).values_list("code", flat=True)
        taken = Area.objects.filter(era=AreaEra.FROM_2025, code__in=codes).exists()
        if target is not None and target.kind == Area.Kind.PROVINCE and not taken:
            regrafts.append((zone, target))
    return regrafts


@transaction.atomic
def convert(plan):
    """Carry ``plan`` out, as the command's changes, every move in the audit log."""
    with audit.acting_as(None, "command"):
        for area, province in plan.regrafts:
            _regraft(area, province)
        _move_all(plan.moves)
        # Questions the moves (or anyone since) answered.
        PendingAreaMove.objects.exclude(enterprise__area=F("old_area")).delete()
        for unit, candidates in plan.choices:
            pending, _new = PendingAreaMove.objects.update_or_create(
                enterprise=unit, defaults={"old_area": unit.area}
            )
            pending.candidates.set(candidates)


def _move_all(moves):
    """Every move of the plan at once, as ``Enterprise.save`` would write each (the bulk path
    of the same change): the units read again under lock, one moved since the plan left for
    the next run; new version, the old area kept, kept facts, one audit entry each."""
    if not moves:
        return
    planned = {unit.pk: (unit.area_id, area) for unit, area in moves}
    units = Enterprise.objects.select_for_update().in_bulk(planned)
    by = audit.author()
    now = timezone.now()
    entries, moved = [], []
    for pk, (old_area, area) in planned.items():
        unit = units.get(pk)
        if unit is None or unit.area_id != old_area:
            continue
        before = audit.audited_values(unit)
        if unit.area_before_2025_id is None:
            unit.area_before_2025_id = old_area
        unit.area, unit.version, unit.updated_at = area, unit.version + 1, now
        changes = audit.differences(before, audit.audited_values(unit))
        entries.append(audit.entry("change", unit, changes, enterprise=unit, by=by))
        moved.append(unit)
    fields = ["area", "area_before_2025", "version", "updated_at"]
    Enterprise.objects.bulk_update(moved, fields, batch_size=2000)
    audit.write_entries(entries)


def _regraft(zone, province):
    """Move one of the federation's zones, with what hangs under it, to today's map; its
    units keep the old district they were in (a frozen district finds them)."""
    subtree = sorted(Area.objects.subtree(zone), key=lambda node: node.depth)
    ids = [node.pk for node in subtree]
    Enterprise.objects.filter(area__in=ids, area_before_2025=None).update(
        area_before_2025=zone.parent_id
    )
    Area.objects.filter(pk__in=ids).update(era=AreaEra.FROM_2025)
    for pk in ids:  # parents first: each path is built on its parent's new one
        node = Area.objects.select_related("parent").get(pk=pk)
        if pk == zone.pk:
            node.parent = province
        node.save()
    trees_changed()


class AlreadyMoved(Exception):
    """The unit left the area the question was about (someone else placed it)."""


def choose(pending, area):
    """Move ``pending``'s unit to ``area``, one of its candidates (checked by the caller's
    form); the save keeps the old area and forgets the question."""
    with transaction.atomic():
        unit = Enterprise.objects.select_for_update().get(pk=pending.enterprise_id)
        if unit.area_id != pending.old_area_id:
            raise AlreadyMoved
        unit.area = area
        unit.save()
