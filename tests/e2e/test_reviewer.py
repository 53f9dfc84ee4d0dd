"""A reviewer's round in the portal, on a phone and at a desk, in Chromium.

kiemtra.huulung (the Hữu Lũng district federation) reads the coverage of their scope for the
first half of 2023, drills down to the units that fall short and why, verifies one pending
registration and rejects another with a reason, chases the agreements about to expire and
those submitted late, and downloads lists as CSV and XLSX to check their rows. Every page on
the way is audited (pages.py).
"""

import datetime
import re

import pytest
from django.utils import timezone

from .pages import read_csv, read_xlsx

pytestmark = pytest.mark.browser

REVIEWER = "kiemtra.huulung"
REVIEWER_NAME = "Nông Văn Thắng"
PERIOD = "6 tháng đầu năm 2023"
# Seed units of Hữu Lũng whose 2022–2023 records do not change.
SHORT_UNIT = "Công ty Cổ phần May mặc Cát Cường"
SHORT_TAX_CODE = "4900316860"
SHORT_REASON = (
    "Chưa tổ chức hội nghị người lao động từ ngày 01/01/2023 (lần gần nhất ngày 02/03/2022)."
)
LATE_UNIT = "Công ty TNHH Phân bón Trường Trí"
LATE_ROW = ["4900656105", "29/08/2022", "03/10/2022", "25"]
REJECTION = "Mã số thuế không khớp với giấy chứng nhận đăng ký doanh nghiệp."
EXPIRES_IN_DAYS = 40


def dmy(day):
    return day.strftime("%d/%m/%Y")


def expected_figures(slug):
    """The reviewer's totals for the period as the dashboard must show them, in Vietnamese."""
    from django.utils import translation

    from workplace.compliance import compute_coverage
    from workplace.indicators import format_ratio
    from workplace.models import Enterprise, ReportingPeriod, User

    reviewer = User.objects.get(username=REVIEWER)
    period = ReportingPeriod.objects.get(slug=slug)
    totals = compute_coverage(period, units=Enterprise.objects.visible_to(reviewer))["totals"]

    def ratio(held, rate):
        return format_ratio(totals[held], totals["eligible"], totals[rate])

    with translation.override("vi"):
        return [
            str(totals["units"]),
            str(totals["eligible"]),
            ratio("conference_held", "conference_rate"),
            ratio("agreement_in_force", "agreement_rate"),
        ]


def commune_of(tax_code):
    """The commune (since the 2025 reform) a unit is filed under after the demo's conversion."""
    from workplace.models import Enterprise

    area = Enterprise.objects.select_related("area").get(tax_code=tax_code).area
    assert area.era == "from_2025", area
    return area.name


def agreement_expiring_soon(today):
    """An agreement of a Hữu Lũng unit that runs out in 40 days: the unit must renegotiate."""
    from workplace.models import CollectiveAgreement, Enterprise

    expires = today + datetime.timedelta(days=EXPIRES_IN_DAYS)
    effective = expires.replace(year=expires.year - 2) + datetime.timedelta(days=1)
    signed = effective - datetime.timedelta(days=6)
    return CollectiveAgreement.objects.create(
        enterprise=Enterprise.objects.get(tax_code=SHORT_TAX_CODE),
        signed_on=signed,
        effective_from=effective,
        expires_on=expires,
        votes_for=40,
        workers_consulted=52,
        submitted_on=signed + datetime.timedelta(days=4),
    )


def test_a_reviewer_checks_the_scope_and_chases_what_is_missing(tour):
    from playwright.sync_api import expect

    page = tour.page
    today = timezone.localdate()
    figures = expected_figures("2023-h1")
    expiring = agreement_expiring_soon(today)

    tour.sign_in_portal(REVIEWER)
    expect(page.get_by_role("button", name=re.compile(REVIEWER_NAME))).to_be_visible()
    tour.follow(page.get_by_role("banner").get_by_role("link", name="Kiểm tra"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra")

    # The dashboard for the first half of 2023, then down to the units that fall short.
    chooser = page.get_by_label("Kỳ báo cáo")
    chooser.select_option(label=chooser.locator("option", has_text=PERIOD).inner_text())
    tour.submit(page.get_by_role("main").get_by_role("button", name="Xem"))
    expect(page.get_by_role("heading", name=f"Tình hình thực hiện, {PERIOD}")).to_be_visible()
    totals = page.locator("dl.facts").first
    for figure in figures:
        expect(totals).to_contain_text(figure)
    # The period ended before the 2025 reform; its units are now filed under the communes.
    expect(page.get_by_text("không phải huyện của kỳ báo cáo")).to_be_visible()
    commune = commune_of(SHORT_TAX_CODE)
    by_area = page.get_by_role("table").filter(has_text="theo địa bàn")
    area_row = by_area.get_by_role("row").filter(
        has=page.get_by_role("link", name=commune, exact=True)
    )
    expect(area_row).to_contain_text(commune)
    tour.follow(area_row.get_by_role("link", name=commune, exact=True))

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Đơn vị, {PERIOD}")
    expect(page.locator("dl.facts")).to_contain_text(commune)
    tour.follow(
        page.get_by_role("navigation", name="Đơn vị hiển thị").get_by_role(
            "link", name="Đơn vị chưa đạt"
        )
    )
    units = page.get_by_role("main").get_by_role("table")
    rows = units.locator("tbody tr")
    expect(units.locator("caption")).to_contain_text(f"{rows.count()} đơn vị")
    short = rows.filter(has_text=SHORT_UNIT)
    expect(short).to_contain_text(SHORT_TAX_CODE)
    expect(short.locator(".shortfalls li")).to_have_text([SHORT_REASON])
    for index in range(rows.count()):
        expect(rows.nth(index).locator(".shortfalls li").first).not_to_be_empty()

    # The same list as a spreadsheet: the unit, with the same reason.
    name, content = tour.download(page.get_by_role("link", name="Tải về tệp CSV"))
    assert name.endswith(".csv"), name
    header, *lines = read_csv(content)
    assert "Lý do chưa đạt" in header, header
    line = next(line for line in lines if line[header.index("Mã số thuế")] == SHORT_TAX_CODE)
    assert line[header.index("Tên")] == SHORT_UNIT
    assert SHORT_REASON in line[header.index("Lý do chưa đạt")]
    assert len(lines) == rows.count()

    verify_and_reject(tour)
    chase_expiring(tour, today, expiring)
    chase_late(tour)

    tour.audit.assert_clean()


def verify_and_reject(tour):
    """Two registrations wait: the first is verified, the second rejected with a reason."""
    from playwright.sync_api import expect

    page = tour.page
    nav = page.get_by_role("navigation", name="Danh sách kiểm tra")
    tour.follow(nav.get_by_role("link", name="Đăng ký chờ xác minh"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng ký chờ xác minh")
    pending = page.get_by_role("main").get_by_role("table").locator("tbody tr")
    expect(pending.first.get_by_role("link")).to_be_visible()
    names = pending.get_by_role("link").all_inner_texts()
    assert len(names) >= 2, f"two registrations should wait in the demo, found {names}"
    verified, rejected = names[:2]

    tour.follow(pending.get_by_role("link", name=verified))
    expect(page.get_by_role("heading", level=1)).to_have_text(verified)
    expect(page.get_by_role("main")).to_contain_text("đang chờ công đoàn cấp trên xác minh")
    tour.submit(page.get_by_role("button", name="Xác minh đăng ký"))
    expect(page.locator(".messages")).to_have_text(
        "Đơn vị đã được xác minh và từ nay được tính vào số liệu."
    )
    expect(page.locator("dl.facts")).to_contain_text("Đã xác minh")
    expect(page.get_by_role("button", name="Từ chối đăng ký")).to_have_count(0)

    tour.follow(page.get_by_role("banner").get_by_role("link", name="Kiểm tra"))
    tour.follow(nav.get_by_role("link", name="Đăng ký chờ xác minh"))
    expect(pending.get_by_role("link", name=verified)).to_have_count(0)
    tour.follow(pending.get_by_role("link", name=rejected))
    page.get_by_label("Lý do từ chối").fill(REJECTION)
    tour.submit(page.get_by_role("button", name="Từ chối đăng ký"))
    expect(page.locator(".messages")).to_have_text("Đã từ chối đăng ký.")
    refusal = page.get_by_role("main").locator(".status-rejected").first
    expect(refusal).to_contain_text("Đăng ký này đã bị từ chối.")
    expect(refusal).to_contain_text(REJECTION)

    tour.follow(page.get_by_role("banner").get_by_role("link", name="Kiểm tra"))
    tour.follow(nav.get_by_role("link", name="Đăng ký chờ xác minh"))
    expect(pending.get_by_role("link", name=verified)).to_have_count(0)
    expect(pending.get_by_role("link", name=rejected)).to_have_count(0)


def chase_expiring(tour, today, agreement):
    """The agreement running out in 40 days is listed, and in the XLSX download."""
    from playwright.sync_api import expect

    page = tour.page
    nav = page.get_by_role("navigation", name="Danh sách kiểm tra")
    tour.follow(nav.get_by_role("link", name="Thỏa ước sắp hết hạn"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thỏa ước sắp hết hạn")
    row = page.get_by_role("main").locator("tbody tr").filter(has_text=SHORT_UNIT)
    expected = [
        SHORT_TAX_CODE,
        dmy(agreement.signed_on),
        dmy(agreement.expires_on),
        str(EXPIRES_IN_DAYS),
    ]
    for cell in expected:
        expect(row).to_contain_text(cell)

    name, content = tour.download(page.get_by_role("link", name="Tải về tệp Excel (XLSX)"))
    assert name.endswith(".xlsx"), name
    header, *lines = read_xlsx(content)
    line = next(line for line in lines if line[header.index("Mã số thuế")] == SHORT_TAX_CODE)
    assert line[header.index("Tên")] == SHORT_UNIT
    assert as_date(line[header.index("Ngày hết hạn")]) == agreement.expires_on
    assert line[header.index("Số ngày còn lại")] == EXPIRES_IN_DAYS
    assert len(lines) == page.get_by_role("main").locator("tbody tr").count()


def as_date(cell):
    return cell.date() if isinstance(cell, datetime.datetime) else cell


def chase_late(tour):
    from playwright.sync_api import expect

    page = tour.page
    nav = page.get_by_role("navigation", name="Danh sách kiểm tra")
    tour.follow(nav.get_by_role("link", name="Thỏa ước gửi chậm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Thỏa ước gửi chậm")
    row = page.get_by_role("main").locator("tbody tr").filter(has_text=LATE_UNIT)
    for cell in LATE_ROW:
        expect(row).to_contain_text(cell)
