"""The federation's Reports menu and a unit's History, on a phone and at a desk, in Chromium.

lanhdao.ldld opens Reports → the units by standing, narrows them through the listing's
filters to the first half of 2023 and one city's units that fall short, reads a unit's
reasons in Vietnamese, opens the unit and its History, and finds there the change its
officer made in the portal: who, when, through the portal, and the name before → after.
Every page on the way is audited (pages.py).
"""

import re

import pytest

from workplace import audit
from workplace.models import Enterprise, User

from .pages import vi
from .test_federation import use_menu

pytestmark = pytest.mark.browser

STAFF = "lanhdao.ldld"
PERIOD = "6 tháng đầu năm 2023"
AREA = "Thành phố Lạng Sơn (trước 2025)"
# The unit of the demo's officer congdoan.honglong, short of a collective agreement in force.
SHORT_UNIT = "Công ty TNHH Phân bón Hồng Long"
RENAMED = "Công ty TNHH Phân bón Hồng Long Lạng Sơn"
EXPIRED = "Thỏa ước lao động tập thể đã hết hạn ngày 31/03/2023."


def rename_in_the_portal():
    """The unit's officer renames it, as the portal records it: by them, through the portal."""
    unit = Enterprise.objects.get(name=SHORT_UNIT)
    officer = User.objects.filter(units=unit).first()
    assert officer is not None, "the demo gives every unit an officer"
    with audit.acting_as(officer, "portal"):
        unit.name = RENAMED
        unit.save()
    return officer


def choose_filter(tour, label, option_label):
    """Open the listing's filters, pick ``option_label`` under ``label``, wait for the list to
    follow, and close the filters again to read the page."""
    page = tour.page
    page.get_by_role("button", name=vi("Show filters")).click()
    page.get_by_role("button", name=label, exact=True).click()
    with page.expect_response(re.compile(r"/reports/coverage/units/results/")):
        page.get_by_role("combobox", name=label, exact=True).select_option(label=option_label)
    page.keyboard.press("Escape")
    expect_closed(page)
    tour.check()


def expect_closed(page):
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name=vi("Show filters"))).to_have_attribute(
        "aria-expanded", "false"
    )


def test_staff_read_units_by_standing_and_a_units_history(tour):
    from playwright.sync_api import expect

    officer = rename_in_the_portal()
    page = tour.page
    main = page.get_by_role("main")
    tour.sign_in_admin(STAFF)

    use_menu(tour, vi("Reports"), vi("Units by standing"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("Units in scope"))

    choose_filter(tour, vi("Reporting period"), PERIOD)
    choose_filter(tour, vi("Standing"), vi("Falls short"))
    choose_filter(tour, vi("Area"), AREA)
    assert "standing=shortfall" in page.url, page.url

    listing = page.locator("#listing-results")
    expect(listing.get_by_role("row").filter(has_text=vi("Meets every indicator"))).to_have_count(0)
    unit = listing.get_by_role("row").filter(has_text=RENAMED)
    expect(unit).to_contain_text(vi("Falls short"))
    expect(unit).to_contain_text(EXPIRED)

    tour.follow(unit.get_by_role("link", name=RENAMED))
    tour.follow(page.get_by_role("link", name=vi("History")))
    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("History"))
    portal = main.get_by_role("row").filter(has_text=str(audit.SOURCE_LABELS["portal"]))
    expect(portal).to_have_count(1)
    expect(portal).to_contain_text(str(officer))
    expect(portal).to_contain_text(f"{SHORT_UNIT} → {RENAMED}")
    expect(portal).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    # The unit was loaded from the demo's files: its creation came through an import.
    imported = main.get_by_role("row").filter(has_text=str(audit.SOURCE_LABELS["import"]))
    expect(imported).not_to_have_count(0)

    tour.audit.assert_clean()
