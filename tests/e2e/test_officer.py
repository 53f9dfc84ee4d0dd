"""An officer's day in the portal, on a phone and at a desk, in Chromium.

congdoan.vinhphat signs in, finds the fertiliser company by searching, brings its records up
to date (a headcount, a worker conference with its minutes, an agreement in force and one
that has expired, a dialogue) and sees each reason the unit fell short go away; then corrects
the unit's name, registers a new enterprise and reads the unit's history. Every page on the
way is audited (pages.py).
"""

import datetime
import re

import pytest
from django.utils import timezone

from .pages import minutes_pdf

pytestmark = pytest.mark.browser

OFFICER = "congdoan.vinhphat"
OFFICER_NAME = "Vi Văn Dũng"
UNIT = "Công ty Cổ phần Phân bón Vĩnh Phát"
TAX_CODE = "4900054774"
OTHER_UNIT = "Doanh nghiệp tư nhân Quang Phong"
RENAMED = "Công ty Cổ phần Phân bón Vĩnh Phát Lạng Sơn"
NEW_UNIT = {
    "tax_code": "4900990017",
    "name": "Công ty TNHH Dệt may Tân Thành",
    "sector": "Doanh nghiệp ngoài nhà nước",
    "area": "Xã Hữu Lũng",  # registered today: a commune since the 2025 reform
    "union_body": "Liên đoàn Lao động huyện Hữu Lũng",
    "established": datetime.date(2024, 3, 1),
}


NAME_LABEL = re.compile(r"^Tên:?$")


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


def forget_this_year(tax_code, today):
    """The unit as the journey needs it: nothing recorded this year, no agreement in force.

    The demo keeps its units' records current; the officer here starts from a unit whose
    records for the year are still to be entered.
    """
    from workplace.models import (
        CollectiveAgreement,
        Dialogue,
        HeadcountDeclaration,
        WorkerConference,
    )

    year_start = datetime.date(today.year, 1, 1)
    mine = {"enterprise__tax_code": tax_code}
    HeadcountDeclaration.objects.filter(**mine, as_of__gte=year_start).delete()
    WorkerConference.objects.filter(**mine, held_on__gte=year_start).delete()
    Dialogue.objects.filter(**mine, held_on__gte=year_start).delete()
    CollectiveAgreement.objects.filter(**mine, expires_on__gte=year_start).delete()


def test_an_officer_keeps_a_unit_up_to_date(tour):
    from playwright.sync_api import expect

    page = tour.page
    today = timezone.localdate()
    forget_this_year(TAX_CODE, today)

    # Sign in: the officer's own units, and a search that finds one of them.
    tour.sign_in_portal(OFFICER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn vị của tôi")
    expect(page.get_by_role("button", name=re.compile(OFFICER_NAME))).to_be_visible()
    units = page.get_by_role("main").get_by_role("table")
    expect(units.get_by_role("link", name=UNIT)).to_be_visible()
    expect(units.get_by_role("link", name=OTHER_UNIT)).to_be_visible()
    unit_count = units.get_by_role("link").count()
    page.get_by_label("Tìm theo tên hoặc mã số thuế").fill("Vĩnh Phát")
    tour.submit(page.get_by_role("main").get_by_role("button", name="Tìm kiếm"))
    expect(units.get_by_role("link")).to_have_text([UNIT])
    expect(units).to_contain_text(TAX_CODE)
    tour.follow(units.get_by_role("link", name=UNIT))

    # The unit page: what is missing this year, in words.
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT)
    shortfalls = page.locator("section[aria-labelledby=compliance]").locator(".shortfalls")
    year_start = dmy(datetime.date(today.year, 1, 1))
    expect(shortfalls).to_contain_text(f"Chưa tổ chức hội nghị người lao động từ ngày {year_start}")
    expect(shortfalls).to_contain_text(
        re.compile(r"Thỏa ước lao động tập thể đã hết hạn ngày \d\d/\d\d/\d{4}")
    )
    expect(shortfalls).to_contain_text(f"Chưa tổ chức đối thoại định kỳ từ ngày {year_start}")
    expect(shortfalls).to_contain_text(
        f"Chưa khai báo số đoàn viên, người lao động từ ngày {year_start}"
    )

    declare_headcount(tour, today)
    expect(shortfalls).not_to_contain_text("Chưa khai báo số đoàn viên")

    minutes = add_conference(tour, today)
    expect(shortfalls).not_to_contain_text("hội nghị người lao động")

    add_agreement_in_force(tour, today)
    expect(shortfalls).not_to_contain_text("Thỏa ước")
    add_expired_agreement(tour)

    add_dialogue(tour, today)
    expect(page.locator("section[aria-labelledby=compliance]")).to_contain_text(
        "Trong kỳ này, đơn vị đạt tất cả các yêu cầu."
    )
    expect(shortfalls).to_have_count(0)

    # The minutes come back exactly as they were uploaded.
    conference = page.locator("ol.timeline li").filter(has_text="Hội nghị người lao động")
    name, content = tour.download(conference.first.get_by_role("link", name="Tài liệu"))
    assert content == minutes
    assert name.endswith(".pdf"), name

    edit_details(tour)
    register_new_unit(tour, unit_count)
    read_history(tour, today)

    tour.audit.assert_clean()


def declare_headcount(tour, today):
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("link", name="Khai báo số đoàn viên, người lao động"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Khai báo số đoàn viên, người lao động"
    )
    fill_date(page.get_by_label("Tính đến ngày"), today)
    page.get_by_label("Số đoàn viên").fill("25")
    page.get_by_label("Số người lao động").fill("31")
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(page.locator("dl.facts")).to_contain_text(
        f"25 đoàn viên công đoàn, 31 người lao động (tính đến ngày {dmy(today)})"
    )
    expect(page.locator("ol.timeline")).to_contain_text(
        f"{dmy(today)} — Khai báo: 25 đoàn viên công đoàn, 31 người lao động"
    )


def add_conference(tour, today):
    """A worker conference held today, with its minutes as a PDF; returns the PDF's bytes."""
    from playwright.sync_api import expect

    page = tour.page
    minutes = minutes_pdf("Bien ban hoi nghi nguoi lao dong")
    tour.follow(page.get_by_role("link", name="Thêm hội nghị người lao động"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm hội nghị người lao động")
    fill_date(page.get_by_label("Ngày tổ chức"), today)
    page.get_by_label("Hình thức").select_option(label="Toàn thể người lao động")
    page.get_by_label("Số người dự").fill("27")
    page.get_by_label("Biên bản").set_input_files(
        {"name": "bien-ban-hoi-nghi.pdf", "mimeType": "application/pdf", "buffer": minutes}
    )
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(page.locator("ol.timeline")).to_contain_text(
        f"{dmy(today)} — Hội nghị người lao động (Toàn thể người lao động), 27 người dự"
    )
    return minutes


def fill_agreement(page, signed, effective, expires, submitted):
    fill_date(page.get_by_label("Ngày ký"), signed)
    fill_date(page.get_by_label("Có hiệu lực từ"), effective)
    fill_date(page.get_by_label("Ngày hết hạn"), expires)
    page.get_by_label("Số người được lấy ý kiến").fill("30")
    page.get_by_label("Số phiếu tán thành").fill("24")
    fill_date(page.get_by_label("Ngày gửi cơ quan quản lý nhà nước về lao động"), submitted)


def add_agreement_in_force(tour, today):
    """Effective a month ago, for two years, submitted on time: no warning."""
    from playwright.sync_api import expect

    page = tour.page
    effective = today - datetime.timedelta(days=30)
    expires = effective.replace(year=effective.year + 2) - datetime.timedelta(days=1)
    signed = effective - datetime.timedelta(days=7)
    tour.follow(page.get_by_role("link", name="Thêm thỏa ước lao động tập thể"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm thỏa ước lao động tập thể")
    fill_agreement(page, signed, effective, expires, signed + datetime.timedelta(days=3))
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_have_text("Đã lưu.")
    expect(page.locator("ol.timeline")).to_contain_text(
        f"Thỏa ước lao động tập thể có hiệu lực từ {dmy(effective)} đến {dmy(expires)}"
    )


def add_expired_agreement(tour):
    """An old agreement, submitted 28 days after signing: saved, with the law's warning."""
    from playwright.sync_api import expect

    page = tour.page
    signed, effective = datetime.date(2019, 2, 20), datetime.date(2019, 3, 1)
    expires = datetime.date(2021, 2, 28)
    tour.follow(page.get_by_role("link", name="Thêm thỏa ước lao động tập thể"))
    fill_agreement(page, signed, effective, expires, datetime.date(2019, 3, 20))
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(messages(page)).to_contain_text("28 ngày")
    expect(messages(page).locator(".warning")).to_contain_text("10 ngày")
    expired = page.locator("ol.timeline li").filter(has_text=f"đến {dmy(expires)}")
    expect(expired).to_contain_text(f"{dmy(signed)} — Thỏa ước lao động tập thể có hiệu lực từ")
    expect(expired).to_contain_text("gửi chậm")


def add_dialogue(tour, today):
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("link", name="Thêm cuộc đối thoại"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thêm cuộc đối thoại")
    fill_date(page.get_by_label("Ngày tổ chức"), today)
    page.get_by_label("Loại").select_option(label="Định kỳ")
    tour.submit(page.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_contain_text("Đã lưu.")
    expect(page.locator("ol.timeline")).to_contain_text(f"{dmy(today)} — Đối thoại: Định kỳ")


def edit_details(tour):
    """The name is the officer's to correct; the tax code, area and union body are not."""
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("link", name="Sửa thông tin"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sửa thông tin đơn vị")
    form = page.get_by_role("main").locator("form")
    expect(form.get_by_label("Mã số thuế")).to_have_count(0)
    expect(form.get_by_label("Công đoàn cấp trên")).to_have_count(0)
    expect(form.get_by_label(NAME_LABEL)).to_have_value(UNIT)
    form.get_by_label(NAME_LABEL).fill(RENAMED)
    tour.submit(form.get_by_role("button", name="Lưu"))
    expect(messages(page)).to_have_text("Đã lưu thông tin đơn vị.")
    expect(page.get_by_role("heading", level=1)).to_have_text(RENAMED)


def register_new_unit(tour, unit_count):
    """A new enterprise waits, counted nowhere, for its upper-level union to verify it."""
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("navigation").get_by_role("link", name="Đơn vị của tôi"))
    tour.follow(page.get_by_role("link", name="Đăng ký đơn vị mới"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký đơn vị")
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Mã số thuế").fill(NEW_UNIT["tax_code"])
    form.get_by_label(NAME_LABEL).fill(NEW_UNIT["name"])
    form.get_by_label("Loại hình").select_option(label=NEW_UNIT["sector"])
    form.get_by_label("Địa bàn").select_option(label=NEW_UNIT["area"])
    form.get_by_label("Công đoàn cấp trên").select_option(label=NEW_UNIT["union_body"])
    fill_date(form.get_by_label("Ngày thành lập công đoàn"), NEW_UNIT["established"])
    tour.submit(form.get_by_role("button", name="Đăng ký"))

    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_UNIT["name"])
    expect(messages(page)).to_contain_text(
        f"Đã đăng ký đơn vị; đơn vị đang chờ {NEW_UNIT['union_body']} xác minh."
    )
    expect(page.locator("dl.facts")).to_contain_text(NEW_UNIT["tax_code"])
    expect(page.locator("dl.facts")).to_contain_text(dmy(NEW_UNIT["established"]))
    expect(page.locator("dl.facts")).to_contain_text("Chờ xác minh")

    tour.follow(page.get_by_role("navigation").get_by_role("link", name="Đơn vị của tôi"))
    row = page.get_by_role("row").filter(has_text=NEW_UNIT["name"])
    expect(row).to_contain_text(NEW_UNIT["tax_code"])
    expect(row).to_contain_text("Chờ xác minh")
    links = page.get_by_role("main").get_by_role("table").get_by_role("link")
    expect(links).to_have_count(unit_count + 1)


def read_history(tour, today):
    """Who changed what, when and through which channel: here, the officer in the portal."""
    from playwright.sync_api import expect

    page = tour.page
    tour.follow(page.get_by_role("link", name=RENAMED))
    tour.follow(page.get_by_role("link", name="Lịch sử thay đổi"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lịch sử thay đổi")
    renamed = page.locator("section").filter(has_text=RENAMED).filter(has_text="Đã sửa")
    expect(renamed.first).to_contain_text(OFFICER_NAME)
    expect(renamed.first).to_contain_text("cổng thông tin")
    name_row = renamed.first.get_by_role("row").filter(has_text=RENAMED)
    expect(name_row).to_contain_text(UNIT)
    expect(renamed.first).to_contain_text(dmy(today))
    dialogue = page.locator("section").filter(has_text="Đã tạo: đối thoại").first
    expect(dialogue).to_contain_text(OFFICER_NAME)
    expect(dialogue.get_by_role("row").filter(has_text="Ngày tổ chức")).to_contain_text(dmy(today))
