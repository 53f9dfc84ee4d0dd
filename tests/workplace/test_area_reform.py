"""The official area trees before and after the reform of 1 July 2025, and units moved from
the one to the other: loading, converting, choosing a split ward's commune, closing a union
body, and what the figures show before and after."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import declare, hold_conference
from workplace import area_reform, official_areas, periods
from workplace.audit import acting_as
from workplace.compliance import coverage, row_key
from workplace.models import (
    Area,
    AreaEra,
    AuditEntry,
    Enterprise,
    PendingAreaMove,
    ReportingPeriod,
    UnionBody,
)
from workplace.query_filters import filter_units_from_query
from workplace.resources import EnterpriseResource
from workplace.spreadsheets import import_rows

LANG_SON = "20"
# Lạng Sơn before the reform: a ward merged whole (Phường Vĩnh Trại, into Phường Đông Kinh,
# which kept Vĩnh Trại's code 05977), and a ward split between two communes (Xã Hồng Phong of
# Bình Gia district, between Xã Hồng Phong and Xã Đồng Đăng... as the official mapping says).
MERGED_WARD = "05977"
SPLIT_WARD = "06079"


def load(*args):
    out = io.StringIO()
    call_command("load_areas", *args, stdout=out)
    return out.getvalue()


def area_rows():
    return list(
        Area.objects.order_by("era", "code").values_list(
            "era", "code", "name", "kind", "parent_id", "path", "official"
        )
    )


@pytest.fixture
def lang_son(db):
    load("--before-2025", "--province", LANG_SON)
    load("--province", LANG_SON)


def old(code):
    return Area.objects.get(era=AreaEra.BEFORE_2025, code=code)


def new(code):
    return Area.objects.get(era=AreaEra.FROM_2025, code=code)


@pytest.fixture
def body(db):
    root = UnionBody.objects.create(code="LDLD-LS", name="LĐLĐ tỉnh Lạng Sơn")
    return UnionBody.objects.create(code="LDLD-181", name="LĐLĐ huyện Bình Gia", parent=root)


def unit_in(area, body, tax_code):
    return Enterprise.objects.create(
        tax_code=tax_code,
        name=f"Công ty {tax_code}",
        sector="non_state",
        area=area,
        union_body=body,
        union_established_on=datetime.date(2015, 1, 1),
        registration="verified",
    )


# --- loading ----------------------------------------------------------------------------------


def test_lang_son_has_65_communes_after_the_reform_and_11_districts_before(lang_son):
    province = new(LANG_SON)
    assert province.name == "Tỉnh Lạng Sơn" and province.parent is None
    children = Area.objects.filter(parent=province)
    assert children.count() == 65
    assert set(children.values_list("kind", flat=True)) == {"commune"}
    before = old(LANG_SON)
    districts = Area.objects.filter(parent=before)
    assert districts.count() == 11
    # The seed report's districts keep their statistics office codes.
    assert {"178", "180", "186", "189"} <= set(districts.values_list("code", flat=True))
    assert old("178").name == "Thành phố Lạng Sơn"
    # Two areas share a code, one on each map, with paths that never meet.
    assert old(MERGED_WARD).name == "Phường Vĩnh Trại"
    assert new(MERGED_WARD).name == "Phường Đông Kinh"
    assert not old(MERGED_WARD).path.startswith(new(LANG_SON).path)


def test_loading_twice_changes_nothing(lang_son):
    before = area_rows()
    second = load("--province", LANG_SON) + load("--before-2025", "--province", LANG_SON)
    assert "0 added, 0 updated" in second
    assert area_rows() == before


def test_a_renamed_official_area_is_put_right_and_the_federations_own_left_alone(lang_son):
    commune = new("06187")
    commune.name = "Tên gõ nhầm"
    commune.save()
    zone = Area.objects.create(
        code="KCN-DB", name="Khu công nghiệp Đồng Bành", kind="zone", parent=new(LANG_SON)
    )
    out = load("--province", LANG_SON)
    assert "1 updated" in out
    assert new("06187").name == official_name("06187")
    zone.refresh_from_db()
    assert zone.name == "Khu công nghiệp Đồng Bành" and not zone.official


def official_name(code):
    return next(row.name for row in official_areas.after_reform() if row.code == code)


def test_an_unknown_province_is_refused(db):
    with pytest.raises(CommandError, match="99"):
        load("--province", "99")
    assert not Area.objects.exists()


def test_the_official_mapping_covers_every_old_ward():
    successors = official_areas.successors()
    wards = [row for row in official_areas.before_reform() if row.kind == "commune"]
    assert len(wards) > 10000
    assert all(row.code in successors for row in wards)
    assert len(successors[SPLIT_WARD]) > 1
    assert successors[MERGED_WARD] == (MERGED_WARD,)


# --- converting -------------------------------------------------------------------------------


def test_convert_moves_merged_wards_lists_split_ones_and_audits_each_move(lang_son, body):
    merged = unit_in(old(MERGED_WARD), body, "4900000001")
    split = unit_in(old(SPLIT_WARD), body, "4900000002")
    before_entries = AuditEntry.objects.count()

    out = io.StringIO()
    call_command("convert_areas_2025", stdout=out)

    merged.refresh_from_db()
    split.refresh_from_db()
    assert merged.area == new(MERGED_WARD)
    assert split.area == old(SPLIT_WARD)  # not moved: a reviewer chooses
    waiting = PendingAreaMove.objects.get()
    assert waiting.enterprise == split and waiting.old_area == old(SPLIT_WARD)
    expected = {new(code) for code in official_areas.successors()[SPLIT_WARD]}
    assert set(waiting.candidates.all()) == expected
    assert "1 units listed" in out.getvalue()

    moves = AuditEntry.objects.filter(model="workplace.enterprise", action="change")
    assert AuditEntry.objects.count() == before_entries + 1
    move = moves.get()
    assert move.object_pk == str(merged.pk) and move.source == "command"
    assert move.changes["area"] == [str(old(MERGED_WARD).pk), str(new(MERGED_WARD).pk)]


def test_a_dry_run_changes_nothing(lang_son, body):
    unit = unit_in(old(MERGED_WARD), body, "4900000001")
    out = io.StringIO()
    call_command("convert_areas_2025", "--dry-run", stdout=out)
    unit.refresh_from_db()
    assert unit.area == old(MERGED_WARD)
    assert "1 units would move" in out.getvalue()
    assert not AuditEntry.objects.filter(action="change").exists()


def test_a_unit_whose_new_communes_are_not_loaded_stays_where_it_is(db, body):
    load("--before-2025", "--province", LANG_SON)
    unit = unit_in(old(MERGED_WARD), body, "4900000001")
    plan = area_reform.plan_conversion()
    assert plan.unmapped == [unit] and not plan.moves


def test_the_federations_own_zone_follows_to_todays_province(lang_son, body):
    zone = Area.objects.create(
        code="KCN-DB", name="Khu công nghiệp", kind="zone", parent=old("187"), era="before_2025"
    )
    unit = unit_in(zone, body, "4900000001")
    area_reform.convert(area_reform.plan_conversion())
    zone.refresh_from_db()
    unit.refresh_from_db()
    assert zone.era == AreaEra.FROM_2025 and zone.parent == new(LANG_SON)
    assert zone.path == f"{new(LANG_SON).path}KCN-DB/"
    assert unit.area == zone


def test_a_frozen_breakdown_keeps_the_old_names_and_a_live_one_uses_todays_filing(lang_son, body):
    period = ReportingPeriod.objects.create(
        slug="2023-h1",
        name="6 tháng đầu năm 2023",
        start=datetime.date(2023, 1, 1),
        end=datetime.date(2023, 6, 30),
    )
    for index, ward in enumerate((MERGED_WARD, "05971", "06040")):
        unit = unit_in(old(ward), body, f"49000000{index + 1:02d}")
        declare(unit, "2023-06-30", 30)
        hold_conference(unit, "2023-03-01")
    periods.publish(period)
    frozen = coverage(period)["breakdowns"]["area"]
    assert [row["code"] for row in frozen] == ["178", "180"]

    area_reform.convert(area_reform.plan_conversion())

    period.refresh_from_db()
    assert coverage(period)["breakdowns"]["area"] == frozen
    live = coverage(period, live=True)["breakdowns"]["area"]
    assert {(row["code"], row["era"]) for row in live} == {
        (code, "from_2025") for code in official_codes_after(MERGED_WARD, "05971", "06040")
    }
    # The frozen row's district still finds its units, now filed under today's communes.
    city, _kept, _described = filter_units_from_query(
        {"area": row_key("area", frozen[0])}, Enterprise.objects.all()
    )
    assert set(city.values_list("area__code", flat=True)) == set(
        official_codes_after(MERGED_WARD, "05971")
    )


def official_codes_after(*wards):
    return {official_areas.successors()[ward][0] for ward in wards}


# --- the portal: a reviewer places a unit of a split ward ------------------------------------


@pytest.fixture
def waiting(lang_son, body, make_user):
    unit = unit_in(old(SPLIT_WARD), body, "4900000002")
    area_reform.convert(area_reform.plan_conversion())
    return {
        "unit": unit,
        "move": PendingAreaMove.objects.get(enterprise=unit),
        "reviewer": make_user("kiemtra.binhgia", role="reviewer", union_body=body),
    }


def test_a_reviewer_chooses_one_of_the_candidates_and_the_move_is_audited(client, waiting):
    client.force_login(waiting["reviewer"])
    page = client.get("/portal/review/new-communes/")
    assert waiting["unit"].name in page.content.decode()
    target = waiting["move"].candidates.order_by("pk").last()

    response = client.post(
        f"/portal/review/new-communes/{waiting['move'].pk}/", {"area": target.pk}
    )

    assert response.status_code == 302
    waiting["unit"].refresh_from_db()
    assert waiting["unit"].area == target
    assert not PendingAreaMove.objects.exists()
    entry = AuditEntry.objects.filter(action="change").get()
    assert entry.source == "portal" and entry.actor == waiting["reviewer"]
    assert entry.changes["area"][1] == str(target.pk)


def test_a_commune_that_is_not_a_candidate_is_refused(client, waiting):
    client.force_login(waiting["reviewer"])
    elsewhere = new("06187")
    client.post(f"/portal/review/new-communes/{waiting['move'].pk}/", {"area": elsewhere.pk})
    waiting["unit"].refresh_from_db()
    assert waiting["unit"].area == old(SPLIT_WARD)
    assert PendingAreaMove.objects.exists()


def test_a_reviewer_of_another_body_can_neither_see_nor_place_the_unit(client, waiting, make_user):
    other = UnionBody.objects.create(code="LDLD-178", name="LĐLĐ thành phố")
    client.force_login(make_user("kiemtra.tp", role="reviewer", union_body=other))
    assert waiting["unit"].name not in client.get("/portal/review/new-communes/").content.decode()
    target = waiting["move"].candidates.first()
    client.post(f"/portal/review/new-communes/{waiting['move'].pk}/", {"area": target.pk})
    waiting["unit"].refresh_from_db()
    assert waiting["unit"].area == old(SPLIT_WARD)


# --- codes of two eras in imports and links ---------------------------------------------------


# The enterprise import's columns, less the optional dissolution day.
ENTERPRISE_COLUMNS = [name for name in EnterpriseResource.columns() if name != "dissolved_on"]


def import_unit(area_code, area_era, body):
    row = ["4900000009", "Công ty Nhập", "non_state", area_code, area_era, body.code, "2015-01-01"]
    return import_rows("enterprises", [ENTERPRISE_COLUMNS, row])


def test_an_import_names_a_shared_code_with_its_era(lang_son, body):
    with acting_as(None, "import"):
        refused = import_unit(MERGED_WARD, "", body)
        assert refused.errors and "area_era" in refused.errors[0].message
        assert not Enterprise.objects.exists()
        assert import_unit(MERGED_WARD, "before_2025", body).errors == []
    assert Enterprise.objects.get().area == old(MERGED_WARD)


def test_an_import_may_leave_the_era_out_for_a_code_of_one_map(lang_son, body):
    # Every commune of Lạng Sơn since the reform kept an old ward's code; districts are gone.
    assert import_unit("178", "", body).errors == []
    assert Enterprise.objects.get().area == old("178")


def test_a_link_names_an_old_area_by_its_marked_key(lang_son):
    assert Area.objects.by_key(old(MERGED_WARD).key) == old(MERGED_WARD)
    assert Area.objects.by_key(MERGED_WARD) == new(MERGED_WARD)
    assert old("178").key == "178~" and Area.objects.by_key("178") == old("178")
    assert Area.objects.by_key("nowhere") is None


# --- union bodies reorganised -----------------------------------------------------------------


def test_closing_a_body_moves_its_units_and_bodies_and_audits_each_unit(province, make_unit):
    federation, closing = province["federation"], province["body"]
    below = UnionBody.objects.create(code="CD-X", name="Công đoàn ngành", parent=closing)
    units = [make_unit(), make_unit()]
    out = io.StringIO()
    call_command(
        "close_union_body",
        closing.code,
        "--on",
        "2025-07-01",
        "--move-to",
        federation.code,
        stdout=out,
    )
    closing.refresh_from_db()
    below.refresh_from_db()
    assert closing.closed_on == datetime.date(2025, 7, 1)
    assert below.parent == federation and below.path == f"{federation.path}CD-X/"
    assert {
        unit.union_body for unit in Enterprise.objects.filter(pk__in=[u.pk for u in units])
    } == {federation}
    moves = AuditEntry.objects.filter(model="workplace.enterprise", action="change")
    assert moves.count() == 2 and all(entry.source == "command" for entry in moves)


def test_a_body_cannot_close_into_its_own_subtree(province):
    below = UnionBody.objects.create(code="CD-X", name="Công đoàn ngành", parent=province["body"])
    with pytest.raises(CommandError, match="trực thuộc"):
        call_command(
            "close_union_body", province["body"].code, "--on", "2025-07-01", "--move-to", below.code
        )
    province["body"].refresh_from_db()
    assert province["body"].closed_on is None


def test_a_reviewer_of_the_new_parent_sees_a_body_reparented_by_import(scope, make_user):
    city = scope["city_body"]
    reviewer = make_user("kiemtra.tp", role="reviewer", union_body=city)
    assert scope["unit_a"] not in Enterprise.objects.visible_to(reviewer)
    with acting_as(None, "import"):
        outcome = import_rows(
            "union_bodies",
            [["code", "name", "parent_code"], ["LDLD-186", "LĐLĐ huyện Hữu Lũng", city.code]],
        )
    assert outcome.errors == []
    assert scope["unit_a"] in Enterprise.objects.visible_to(reviewer)


def test_a_unit_moved_another_way_keeps_its_old_area_and_leaves_the_list(waiting, client):
    unit = waiting["unit"]
    unit.area = waiting["move"].candidates.first()
    unit.save()
    unit.refresh_from_db()
    assert unit.area_before_2025 == old(SPLIT_WARD)
    assert not PendingAreaMove.objects.exists()


def test_wards_the_federation_typed_itself_convert_by_their_code(db, body):
    load("--province", LANG_SON)
    root = Area.objects.create(code="20", name="Lạng Sơn", kind="province", era="before_2025")
    district = Area.objects.create(
        code="178", name="TP Lạng Sơn", kind="district", parent=root, era="before_2025"
    )
    ward = Area.objects.create(
        code=MERGED_WARD, name="P. Vĩnh Trại", kind="commune", parent=district, era="before_2025"
    )
    unit = unit_in(ward, body, "4900000001")
    area_reform.convert(area_reform.plan_conversion())
    unit.refresh_from_db()
    assert unit.area == new(MERGED_WARD) and unit.area_before_2025 == ward


def test_no_unit_joins_a_closed_body(province, make_unit):
    province["body"].closed_on = datetime.date(2025, 7, 1)
    province["body"].save()
    row = ["4900000009", "Công ty Nhập", "non_state", "186", "", "LDLD-186", "2015-01-01"]
    outcome = import_rows("enterprises", [ENTERPRISE_COLUMNS, row])
    assert outcome.errors and outcome.errors[0].column == "union_body_code"
    assert not Enterprise.objects.exists()


def test_an_area_holding_others_keeps_its_era(province):
    from django.core.exceptions import ValidationError

    root = province["root"]
    root.era = AreaEra.BEFORE_2025
    with pytest.raises(ValidationError) as refused:
        root.full_clean()
    assert "era" in refused.value.message_dict
