"""An officer of a state agency in the portal, on a phone and at a desk, in Chromium.

congdoan.vinhphat also answers for a state agency of Hữu Lũng district. Its page offers the
records of the public-sector regime (the headcount, the officials' conference, the People's
Inspection Board) and none of an enterprise's; the officer logs this year's officials'
conference and a newly elected board, whose term the form refuses to end before the election;
a worker conference cannot be added to the agency even by its address. Every page on the way
is audited (pages.py).
"""

import datetime

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser

OFFICER = "congdoan.vinhphat"
DISTRICT_BODY = "LDLD-186"  # Hữu Lũng, where the officer's enterprises are


def dmy(day):
    return day.strftime("%d/%m/%Y")


def fill_date(field, day):
    """A date field as a person fills it: the browser's picker takes ISO, a text box dd/mm/yyyy."""
    if field.get_attribute("type") == "date":
        field.fill(day.isoformat())
    else:
        field.fill(dmy(day))


def messages(page):
    return page.locator(".messages")


def an_agency_of_the_officer(today):
    """A verified state agency of the district, given to the officer, with nothing logged for
    this year: the demo's officers answer for enterprises only."""
    from workplace.models import Enterprise, InspectionBoard, OfficialsConference, User

    agency = (
        Enterprise.objects.verified()
        .filter(sector="state_agency", union_body__code=DISTRICT_BODY, dissolved_on__isnull=True)
        .order_by("name")
        .first()
    )
    assert agency is not None, f"the demo has no state agency under {DISTRICT_BODY}"
    User.objects.get(username=OFFICER).units.add(agency)
    this_year = datetime.date(today.year, 1, 1)
    OfficialsConference.objects.filter(enterprise=agency, held_on__gte=this_year).delete()
    InspectionBoard.objects.filter(enterprise=agency, elected_on=today).delete()
    return agency


def test_an_agencys_officer_keeps_the_public_sector_records(tour):
    from playwright.sync_api import expect

    page = tour.page
    today = timezone.localdate()
    agency = an_agency_of_the_officer(today)

    tour.sign_in_portal(OFFICER)
    page.get_by_label("Tìm theo tên hoặc mã số thuế").fill(agency.tax_code)
    tour.submit(page.get_by_role("main").get_by_role("button", name="Tìm kiếm"))
    tour.follow(page.get_by_role("main").get_by_role("table").get_by_role("link", name=agency.name))
    expect(page.get_by_role("heading", level=1)).to_have_text(agency.name)
    expect(page.locator("dl.facts")).to_contain_text("Cơ quan hành chính nhà nước")

    # The records of its regime, and the headcount that says how large it is.
    records = page.locator("section[aria-labelledby=records]")
    for offered in (
        "Khai báo số đoàn viên, người lao động",
        "Thêm hội nghị cán bộ, công chức, viên chức",
        "Thêm Ban thanh tra nhân dân",
    ):
        expect(records.get_by_role("link", name=offered)).to_be_visible()
    for refused in (
        "Thêm hội nghị người lao động",
        "Thêm thỏa ước lao động tập thể",
        "Thêm cuộc đối thoại",
        "Thêm quy chế dân chủ",
    ):
        expect(records.get_by_role("link", name=refused)).to_have_count(0)

    add_officials_conference(tour, today)
    add_inspection_board(tour, today)

    # Not even by its address: an agency holds no worker conference.
    response = page.goto(tour.url(f"/portal/units/{agency.pk}/conferences/add/"))
    assert response.status == 404

    tour.audit.assert_clean()


def add_officials_conference(tour, today):
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("link", name="Thêm hội nghị cán bộ, công chức, viên chức"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thêm hội nghị cán bộ, công chức, viên chức"
    )
    fill_date(page.get_by_label("Ngày tổ chức"), today)
    page.get_by_label("Số người dự").fill("35")
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(page.locator("ol.timeline")).to_contain_text(
        f"{dmy(today)} — Hội nghị cán bộ, công chức, viên chức, 35 người dự"
    )


def add_inspection_board(tour, today):
    """A board elected today: a term typed as ending before the election is explained next to
    its field, then corrected."""
    from playwright.sync_api import expect

    page = tour.page
    term_ends = today + datetime.timedelta(days=5 * 365)
    tour.follow(page.get_by_role("link", name="Thêm Ban thanh tra nhân dân"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm Ban thanh tra nhân dân")
    fill_date(page.get_by_label("Ngày bầu"), today)
    fill_date(page.get_by_label("Ngày hết nhiệm kỳ"), today - datetime.timedelta(days=1))
    page.get_by_label("Số thành viên").fill("5")
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(page.locator("#id_term_ends_on_error")).to_contain_text(
        "Ngày hết nhiệm kỳ không được trước ngày bầu."
    )

    fill_date(page.get_by_label("Ngày hết nhiệm kỳ"), term_ends)
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(page.locator("ol.timeline")).to_contain_text(
        f"{dmy(today)} — Ban thanh tra nhân dân gồm 5 thành viên, nhiệm kỳ đến {dmy(term_ends)}"
    )
