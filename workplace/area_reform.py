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

from . import audit, official_areas
from .compliance import trees_changed
from .models import Area, AreaEra, Enterprise, PendingAreaMove
from .text import fold

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
            area = Area(code=row.code, name=row.name, kind=row.kind, era=era, official=True)
            area.parent = parent
            area.path = area.computed_path()
            area.search_text = fold(f"{area.code} {area.name}")
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
    # The federation's own areas hung under an old area, and the new province they move to.
    regrafts: list = dataclasses.field(default_factory=list)


def plan_conversion():
    successors = official_areas.successors()
    new = {area.code: area for area in Area.objects.filter(era=AreaEra.FROM_2025)}
    old_communes = {}  # an old area's id → the codes of the old official communes in it
    for area in Area.objects.filter(era=AreaEra.BEFORE_2025, official=True, kind="commune"):
        for ancestor in _ancestor_paths(area.path):
            old_communes.setdefault(ancestor, []).append(area.code)
    plan = Plan()
    units = (
        Enterprise.objects.filter(area__era=AreaEra.BEFORE_2025, area__official=True)
        .select_related("area")
        .order_by("area__path", "tax_code")
    )
    for unit in units:
        codes = _unique(
            code
            for commune in old_communes.get(unit.area.path, ())
            for code in successors.get(commune, ())
        )
        candidates = [new[code] for code in codes if code in new]
        if not codes or len(candidates) < len(codes):
            plan.unmapped.append(unit)
        elif len(candidates) == 1:
            plan.moves.append((unit, candidates[0]))
        else:
            plan.choices.append((unit, candidates))
    plan.regrafts = _regrafts(new)
    return plan


def _ancestor_paths(path):
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _unique(values):
    return list(dict.fromkeys(values))


def _regrafts(new):
    """The federation's own areas directly under an old official area (an industrial zone
    under its old district), each with the new province that took over its old province."""
    provinces = official_areas.province_successors()
    own = Area.objects.filter(
        era=AreaEra.BEFORE_2025, official=False, parent__official=True
    ).select_related("parent")
    regrafts = []
    for area in own:
        root = area.path.strip("/").split("/")[0].rstrip(Area.BEFORE_2025_MARK)
        target = new.get(provinces.get(root))
        clash = Area.objects.filter(era=AreaEra.FROM_2025, code=area.code).exists()
        if target is not None and target.kind == "province" and not clash:
            regrafts.append((area, target))
    return regrafts


@transaction.atomic
def convert(plan):
    """Carry ``plan`` out: every move saved (and audited) as the command's change."""
    with audit.acting_as(None, "command"):
        for area, province in plan.regrafts:
            _regraft(area, province)
        _move_all(plan.moves)
        PendingAreaMove.objects.filter(enterprise__in=[unit for unit, _area in plan.moves]).delete()
        for unit, candidates in plan.choices:
            pending, _new = PendingAreaMove.objects.update_or_create(
                enterprise=unit, defaults={"old_area": unit.area}
            )
            pending.candidates.set(candidates)


def _move_all(moves):
    """Every move of the plan at once: the units, read again under lock (one changed since
    the plan is left for the next run), updated in bulk with their versions, kept facts and
    one audit entry each, as a save would write them."""
    if not moves:
        return
    targets = {unit.pk: area for unit, area in moves}
    units = Enterprise.objects.select_for_update().select_related("area").in_bulk(targets)
    by = audit.author()
    entries = []
    moved = []
    for pk, area in targets.items():
        unit = units.get(pk)
        if unit is None or unit.area.era != AreaEra.BEFORE_2025:
            continue
        before = audit.audited_values(unit)
        unit.area_before_2025, unit.area = unit.area, area
        unit.version += 1
        changes = audit.differences(before, audit.audited_values(unit))
        entries.append(audit.entry("change", unit, changes, enterprise=unit, by=by))
        moved.append(unit)
    Enterprise.objects.bulk_update(moved, ["area", "area_before_2025", "version"], batch_size=2000)
    audit.write_entries(entries)


def _regraft(area, province):
    """Move one of the federation's own areas, with what hangs under it, to today's map."""
    subtree = sorted(Area.objects.subtree(area), key=lambda node: node.depth)
    Area.objects.filter(pk__in=[node.pk for node in subtree]).update(era=AreaEra.FROM_2025)
    for node in subtree:  # parents first: each path is built on its parent's new one
        node = Area.objects.select_related("parent").get(pk=node.pk)
        if node.pk == area.pk:
            node.parent = province
        node.save()
    trees_changed()


def choose(pending, area):
    """Move ``pending``'s unit to ``area``, one of its candidates (checked by the caller's
    form), and forget the question."""
    with transaction.atomic():
        move(pending.enterprise, area)
        pending.delete()


def move(unit, area):
    """File ``unit`` under ``area`` of today's map, keeping where it was before the reform."""
    if unit.area.era == AreaEra.BEFORE_2025:
        unit.area_before_2025 = unit.area
    unit.area = area
    unit.save()
