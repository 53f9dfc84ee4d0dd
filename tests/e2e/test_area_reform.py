"""A reviewer places the units of a ward split by the 2025 reform, on a phone and at a desk,
in Chromium.

The demo files its units under Lạng Sơn's wards before the reform and moves them to the
communes after it; the three schools of Xã Hồng Phong (Bình Gia), a ward the official mapping
splits between two communes, wait for the Bình Gia federation's reviewer to choose. The
reviewer refuses to move without a choice (the browser keeps the form), chooses, sees the unit
leave the list and the move in the unit's history, with the old and the new area.
"""

import re

import pytest

pytestmark = pytest.mark.browser

REVIEWER = "kiemtra.binhgia"
OLD_WARD = "Xã Hồng Phong"


def waiting_units():
    from workplace.models import PendingAreaMove

    return list(
        PendingAreaMove.objects.order_by("enterprise__name").values_list(
            "enterprise__name", flat=True
        )
    )


def test_a_reviewer_places_the_units_of_a_split_ward(tour):
    from playwright.sync_api import expect

    page = tour.page
    waiting = waiting_units()
    assert len(waiting) == 3, waiting

    tour.sign_in_portal(REVIEWER)
    tour.follow(page.get_by_role("banner").get_by_role("link", name="Kiểm tra"))
    nav = page.get_by_role("navigation", name="Danh sách kiểm tra")
    tour.follow(nav.get_by_role("link", name="Xã, phường mới"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn vị chờ chọn xã, phường mới")
    table = page.get_by_role("main").get_by_role("table")
    expect(table.locator("caption")).to_have_text("3 đơn vị chờ chọn xã, phường mới")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(3)
    unit = waiting[0]
    row = rows.filter(has_text=unit)
    expect(row).to_contain_text(f"{OLD_WARD}, Huyện Bình Gia")

    # Without a choice the browser keeps the form: nothing is sent, nothing moves.
    row.get_by_role("button", name="Chuyển về đây").click()
    expect(page).to_have_url(re.compile(r"/portal/review/new-communes/$"))
    expect(rows).to_have_count(3)

    choice = row.get_by_role("combobox", name=f"Xã, phường mới của {unit}")
    expect(choice).to_be_visible()
    options = [text.strip() for text in choice.locator("option").all_inner_texts()][1:]
    assert len(options) == 2, options
    commune = options[-1]
    choice.select_option(label=commune)
    tour.submit(row.get_by_role("button", name="Chuyển về đây"))

    expect(page.locator(".messages")).to_have_text(f"{unit} nay thuộc địa bàn {commune}.")
    expect(table.locator("caption")).to_have_text("2 đơn vị chờ chọn xã, phường mới")
    expect(rows.filter(has_text=unit)).to_have_count(0)

    # The unit's page files it under the commune; its history shows the move.
    tour.open(unit_page(unit))
    expect(page.locator("dl.facts")).to_contain_text(commune)
    tour.follow(page.get_by_role("link", name="Lịch sử thay đổi"))
    move = page.get_by_role("main").get_by_role("row").filter(has_text=commune).first
    expect(move).to_contain_text(f"{OLD_WARD} (trước 2025)")

    tour.audit.assert_clean()


def unit_page(name):
    from workplace.models import Enterprise

    return f"/portal/units/{Enterprise.objects.get(name=name).pk}/"
