"""The federation's workspace in the Wagtail admin, on a phone and at a desk, in Chromium.

lanhdao.ldld imports a file of dialogues through its preview, locks, publishes (after the
confirmation page) and unlocks (with a reason) a reporting period, reads the coverage report
down to the units behind it and downloads it as XLSX, has a report drafted, exports the
dialogues as CSV, and creates an officer account whose units are picked in the searchable
chooser. Every page on the way is audited (pages.py).
"""

import re

import pytest
from django.core import mail
from django.utils import timezone

from .pages import read_csv, read_xlsx, vi

pytestmark = pytest.mark.browser

STAFF = "lanhdao.ldld"
OPEN_PERIOD = "Năm 2022"
PUBLISHED_PERIOD = "6 tháng đầu năm 2023"
# The seed's frozen figures for the first half of 2023 (README).
HEADLINE = ["141", "104", "95/104 (91,3%)", "97/104 (93,3%)", "132"]
AREA = "Huyện Hữu Lũng"
SHORT_UNIT = "Công ty Cổ phần May mặc Cát Cường"
SHORT_REASON = (
    "Chưa tổ chức hội nghị người lao động từ ngày 01/01/2023 (lần gần nhất ngày 02/03/2022)."
)
DIALOGUE_FILE = "doi-thoai-thang-nay.csv"
UNLOCK_REASON = "Bổ sung biên bản đối thoại của hai đơn vị nộp muộn."
NEW_OFFICER = {
    "username": "congdoan.tanthanh",
    "email": "congdoan.tanthanh@example.org",
    "full_name": "Hoàng Văn Tân",
}
CHOSEN_UNITS = [
    # (what is typed in the chooser's search, the unit it finds)
    ("vinh phat", "Công ty Cổ phần Phân bón Vĩnh Phát (4900054774)"),
    ("4900042105", "Doanh nghiệp tư nhân Quang Phong (4900042105)"),
]


def dialogue_rows(today):
    return [
        ["tax_code", "held_on", "kind"],
        ["4900054774", today.isoformat(), "on_request"],
        ["4900042105", today.strftime("%d/%m/%Y"), "event"],
    ]


def as_csv(rows):
    return "".join(",".join(row) + "\r\n" for row in rows).encode("utf-8")


def use_menu(tour, *labels):
    """Follow the admin's sidebar menu down to a screen; on a phone it is opened first."""
    page = tour.page
    sidebar = page.locator("#wagtail-sidebar")
    first = sidebar.get_by_role("link", name=labels[0], exact=True).or_(
        sidebar.get_by_role("button", name=labels[0], exact=True)
    )
    if not first.first.is_visible():
        sidebar.locator(".sidebar-nav-toggle--mobile").click()
    for label in labels[:-1]:
        sidebar.get_by_role("button", name=label, exact=True).click()
    tour.follow(sidebar.get_by_role("link", name=labels[-1], exact=True))


def messages(page):
    return page.locator(".messages")


def test_federation_staff_run_the_workspace(tour):
    from playwright.sync_api import expect

    page = tour.page
    today = timezone.localdate()

    tour.sign_in_admin(STAFF)
    panel = page.locator(".w-panel").filter(
        has=page.get_by_role("heading", name="Tình hình thực hiện")
    )
    expect(panel).to_contain_text(re.compile(r"\d+/\d+ \(\d+,\d%\)"))

    import_dialogues(tour, today)
    run_period_lifecycle(tour)
    read_coverage_report(tour)
    write_report(tour)
    export_dialogues(tour, today)
    create_officer(tour)

    tour.audit.assert_clean()


def import_dialogues(tour, today):
    """Upload, see the preview (nothing written yet), confirm, see it imported."""
    from playwright.sync_api import expect

    page = tour.page
    use_menu(tour, vi("Imports"))
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Imports"))
    page.get_by_label(vi("Kind of records")).select_option("dialogues")
    page.get_by_label(vi("File"), exact=False).first.set_input_files(
        {"name": DIALOGUE_FILE, "mimeType": "text/csv", "buffer": as_csv(dialogue_rows(today))}
    )
    tour.submit(page.get_by_role("button", name=vi("Check the file")))

    expect(page.get_by_role("main")).to_contain_text(DIALOGUE_FILE)
    counts = page.locator("#import-counts")
    expect(counts.locator("[data-count=rows]")).to_have_text("2")
    expect(counts.locator("[data-count=new]")).to_have_text("2")
    expect(counts.locator("[data-count=updated]")).to_have_text("0")
    expect(page.get_by_role("main")).to_contain_text(
        vi("The file has no errors. Nothing has been written yet.")
    )
    expect(page.locator("[data-import-status]")).to_have_text(vi("Previewed"))

    tour.submit(page.get_by_role("button", name=vi("Confirm import")))
    expect(messages(page)).to_contain_text(
        vi("%(file)s imported: %(new)s new, %(updated)s updated, %(unchanged)s unchanged.")
        % {"file": DIALOGUE_FILE, "new": 2, "updated": 0, "unchanged": 0}
    )
    expect(page.locator("[data-import-status]")).to_have_text(vi("Imported"))
    expect(page.get_by_role("button", name=vi("Confirm import"))).to_have_count(0)


def period_status(tour, name):
    """From the list of reporting periods to one period's status page."""
    page = tour.page
    use_menu(tour, vi("Workplace data"), "Kỳ báo cáo")
    tour.follow(page.get_by_role("main").get_by_role("link", name=name, exact=True))
    tour.follow(page.get_by_role("main").get_by_role("link", name=vi("Status and figures")))


def run_period_lifecycle(tour):
    """An open period is locked, published after its confirmation page, unlocked with a reason."""
    from playwright.sync_api import expect

    page = tour.page
    main = page.get_by_role("main")
    period_status(tour, OPEN_PERIOD)
    expect(main).to_contain_text(vi("Live figures"))

    tour.submit(main.get_by_role("button", name=vi("Lock")))
    expect(messages(page)).to_contain_text(
        vi("The period “%(period)s” is locked: its figures are frozen.") % {"period": OPEN_PERIOD}
    )
    figures = page.locator("#period-figures")
    expect(figures.get_by_role("columnheader", name=vi("Frozen"))).to_be_visible()

    tour.follow(main.get_by_role("link", name=vi("Publish")))
    expect(page.locator("#publish-figures")).to_contain_text(vi("Units"))
    published = vi("The period “%(period)s” is published: its frozen figures are public.") % {
        "period": OPEN_PERIOD
    }
    expect(messages(page)).not_to_contain_text(published)
    tour.submit(main.get_by_role("button", name=vi("Yes, publish")))
    expect(messages(page)).to_contain_text(published)
    expect(main.get_by_role("link", name=vi("Publish"))).to_have_count(0)

    tour.follow(main.get_by_role("link", name=vi("Unlock")))
    tour.submit(main.get_by_role("button", name=vi("Unlock")))
    expect(main.locator(".error-message, .w-field__errors")).not_to_have_count(0)
    main.get_by_label(vi("Reason")).fill(UNLOCK_REASON)
    tour.submit(main.get_by_role("button", name=vi("Unlock")))
    expect(messages(page)).to_contain_text(
        vi("The period “%(period)s” is open again: its snapshot is dropped.")
        % {"period": OPEN_PERIOD}
    )
    expect(main).to_contain_text(vi("Live figures"))


def read_coverage_report(tour):
    """The published half-year: its frozen totals, the units behind a district, the XLSX."""
    from playwright.sync_api import expect

    page = tour.page
    main = page.get_by_role("main")
    use_menu(tour, vi("Coverage report"))
    chooser = main.get_by_label(vi("Reporting period"))
    chooser.select_option(label=chooser.locator("option", has_text=PUBLISHED_PERIOD).inner_text())
    tour.submit(main.get_by_role("button", name=vi("Show")))
    table = main.locator("#coverage-table")
    total = table.get_by_role("row").filter(has_text=vi("Total"))
    for figure in HEADLINE:
        expect(total).to_contain_text(figure)
    # Agencies and public service units in their own table: the seed's "100%".
    agencies = main.locator("#public-sector-table").get_by_role("row").filter(has_text=vi("Total"))
    expect(agencies).to_contain_text("922/922 (100,0%)")

    name, content = tour.download(
        main.get_by_role("link", name=vi("Download the half-year report (XLSX)"))
    )
    assert name.endswith(".xlsx"), name
    rows = read_xlsx(content)
    assert PUBLISHED_PERIOD in rows[0][0]
    total_row = next(row for row in rows if row[1] == vi("Total"))
    assert total_row[2:6] == [141, 104, 95, 91.3], total_row
    assert total_row[6:9] == [97, 93.3, 132], total_row
    area_row = next(row for row in rows if row[1] == AREA)
    assert isinstance(area_row[2], int) and area_row[2] > 0, area_row

    tour.follow(table.get_by_role("link", name=AREA))
    expect(main).to_contain_text(AREA)
    unit = main.get_by_role("row").filter(has_text=SHORT_UNIT)
    expect(unit).to_contain_text(SHORT_REASON)


def write_report(tour):
    """One click drafts the news article of a published period, ready to edit."""
    from playwright.sync_api import expect

    page = tour.page
    use_menu(tour, vi("Write a report"))
    row = page.get_by_role("main").get_by_role("row").filter(has_text=PUBLISHED_PERIOD)
    tour.submit(row.get_by_role("button"))
    expect(messages(page)).to_contain_text(
        vi("A draft report for “%(period)s” was written.") % {"period": PUBLISHED_PERIOD}
    )
    expect(page.locator("#id_title")).to_have_value(re.compile(PUBLISHED_PERIOD))


def export_dialogues(tour, today):
    """The dialogues as CSV, the two imported this morning among them."""
    page = tour.page
    use_menu(tour, vi("Exports"))
    row = (
        page.get_by_role("main")
        .get_by_role("row")
        .filter(has=page.locator("code", has_text="dialogues"))
    )
    name, content = tour.download(row.get_by_role("link", name="CSV"))
    assert name.endswith(".csv"), name
    header, *lines = read_csv(content)
    assert header[:3] == ["tax_code", "held_on", "kind"], header
    for tax_code, _held_on, kind in dialogue_rows(today)[1:]:
        assert [tax_code, today.isoformat(), kind] in [line[:3] for line in lines]


def create_officer(tour):
    """A new officer, two units picked in the chooser by searching; the owner is invited."""
    from playwright.sync_api import expect

    page = tour.page
    main = page.get_by_role("main")
    use_menu(tour, vi("Settings"), vi("Users"))
    tour.follow(main.get_by_role("link", name=vi("Add a user")))
    main.get_by_label(vi("Username")).fill(NEW_OFFICER["username"])
    main.get_by_label(vi("Email")).fill(NEW_OFFICER["email"])
    main.get_by_label(vi("Full name")).fill(NEW_OFFICER["full_name"])
    main.get_by_label("Vai trò").select_option("officer")

    for search, unit in CHOSEN_UNITS:
        main.get_by_role("button", name=vi("Add units")).click()
        modal = page.locator(".modal-content")
        modal.get_by_role("textbox").first.fill(search)
        expect(modal.get_by_role("row").filter(has_text=unit)).to_have_count(1)
        expect(modal.locator("tbody tr")).to_have_count(1)
        tour.check()
        modal.get_by_role("checkbox").last.check()
        modal.get_by_role("button", name=vi("Confirm selection")).click()
        expect(modal).to_be_hidden()
        expect(main.get_by_role("checkbox", name=unit)).to_be_checked()

    tour.submit(main.get_by_role("button", name=vi("Create")))
    expect(messages(page)).to_contain_text(NEW_OFFICER["full_name"])
    expect(main.get_by_role("row").filter(has_text=NEW_OFFICER["username"])).to_contain_text(
        NEW_OFFICER["full_name"]
    )
    invitation = [message for message in mail.outbox if NEW_OFFICER["email"] in message.to]
    assert len(invitation) == 1, [message.to for message in mail.outbox]

    tour.follow(main.get_by_role("link", name=NEW_OFFICER["full_name"]))
    for _search, unit in CHOSEN_UNITS:
        expect(main.get_by_role("checkbox", name=unit)).to_be_checked()
