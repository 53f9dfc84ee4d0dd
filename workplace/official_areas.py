"""Vietnam's administrative units as the official lists publish them, before and after the
reform of 1 July 2025, read from the two packages that keep those lists.

* ``vietnam-provinces``: the 34 provinces and 3,321 communes and wards since the reform, with
  the statistics office's codes;
* ``vietnamadminunits``: the 63 provinces, their districts and wards before the reform, and
  the official mapping from each old ward to the commune (or, for a ward split between several,
  the communes) that took it over.

Nothing here writes to the database (``area_reform`` does); the lists are read once per
process, they change only with the packages.
"""

import dataclasses
import functools
import json
import re
from pathlib import Path

import vietnamadminunits
from vietnam_provinces import Province, VietNamDivisionType, Ward
from vietnamadminunits.database import query as package_query

from .text import fold

PROVINCE, DISTRICT, COMMUNE = "province", "district", "commune"  # ``Area.Kind`` values


@dataclasses.dataclass(frozen=True)
class OfficialArea:
    code: str
    name: str
    kind: str
    parent_code: str | None


def _key(name):
    """A name as the mapping keys it: folded, letters and digits only ("Xã Thất Khê" →
    "xathatkhe"); the packages' own keys keep a few accents by mistake, folded here too."""
    return re.sub(r"[^a-z0-9]", "", fold(name))


def province_code(code):
    return f"{int(code):02d}"


def ward_code(code):
    return f"{int(code):05d}"


def _province_name(province):
    if province.division_type == VietNamDivisionType.TINH:
        return f"Tỉnh {province.name}"
    return province.name  # "Thành phố Hà Nội": the name already says what it is


# --- after the reform -------------------------------------------------------------------------


@functools.cache
def after_reform():
    """Every province and commune since 1 July 2025, provinces first."""
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    rows = [
        OfficialArea(province_code(p.code), _province_name(p), PROVINCE, None) for p in provinces
    ]
    wards = sorted(Ward.iter_all(), key=lambda w: (int(w.province_code), int(w.code)))
    rows += [
        OfficialArea(ward_code(w.code), w.name, COMMUNE, province_code(w.province_code))
        for w in wards
    ]
    return tuple(rows)


@functools.cache
def _commune_by_key():
    """(province code, key of the commune's name) → the commune's code, after the reform."""
    return {
        (province_code(w.province_code), _key(w.codename)): ward_code(w.code)
        for w in Ward.iter_all()
    }


# --- before the reform ------------------------------------------------------------------------


@functools.cache
def _legacy_rows():
    return package_query(
        "SELECT province, district, ward, provinceCode, districtCode, wardCode, "
        "provinceKey, districtKey, wardKey FROM admin_units_legacy "
        "ORDER BY provinceCode, districtCode, wardCode"
    )


@functools.cache
def before_reform():
    """Every province, district and commune as they were until 30 June 2025, parents first."""
    provinces, districts, wards = {}, {}, []
    for row in _legacy_rows():
        province = province_code(row["provinceCode"])
        provinces.setdefault(province, OfficialArea(province, row["province"], PROVINCE, None))
        district = row["districtCode"]
        districts.setdefault(district, OfficialArea(district, row["district"], DISTRICT, province))
        if row["wardCode"]:  # a few island districts had no commune
            wards.append(OfficialArea(row["wardCode"], row["ward"], COMMUNE, district))
    return (*provinces.values(), *districts.values(), *wards)


def in_province(rows, code):
    """The rows of one province (code as either list writes it), parents first."""
    code = province_code(code)
    kept, selected = {code}, []
    for row in rows:  # parents come first, so one pass finds every descendant
        if (row.code == code) if row.kind == PROVINCE else (row.parent_code in kept):
            kept.add(row.code)
            selected.append(row)
    return selected


# --- the mapping ------------------------------------------------------------------------------


@functools.cache
def _converter():
    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _new_province_codes():
    """The mapping's key of each province after the reform → its code."""
    rows = package_query("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")
    return {row["provinceKey"]: province_code(row["provinceCode"]) for row in rows}


@functools.cache
def successors():
    """Each old ward's code → the codes of the communes that took it over since the reform:
    one for a ward merged whole, several for a ward split between communes."""
    legacy_code = {
        f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey']}": row["wardCode"]
        for row in _legacy_rows()
        if row["wardCode"]
    }
    communes = _commune_by_key()
    provinces = _new_province_codes()
    found = {}

    def add(old_key, province_key, commune_key):
        old = legacy_code.get(old_key)
        new = communes.get((provinces.get(province_key), _key(commune_key)))
        if old and new and new not in found.setdefault(old, []):
            found[old].append(new)

    converter = _converter()
    for province_key, communes_of in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for commune_key, old_keys in communes_of.items():
            for old_key in old_keys:
                add(old_key, province_key, commune_key)
    for province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, candidates in divided.items():
            for candidate in candidates:
                add(old_key, province_key, candidate["newWardKey"])
    return {old: tuple(new) for old, new in found.items()}


@functools.cache
def province_successors():
    """Each old province's code → the code of the province it became part of."""
    legacy = {row["provinceKey"]: province_code(row["provinceCode"]) for row in _legacy_rows()}
    provinces = _new_province_codes()
    return {
        legacy[old_key]: provinces[new_key]
        for new_key, old_keys in _converter()["DICT_PROVINCE"].items()
        for old_key in old_keys
        if old_key in legacy and new_key in provinces
    }
