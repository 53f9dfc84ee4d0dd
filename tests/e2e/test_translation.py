"""An editor gives a Vietnamese page its English translation, on a phone and at a desk.

A notice is on the Vietnamese site only, with a paragraph and a live figure. lanhdao.ldld
opens it in the admin, chooses "Dịch" (Translate) in its actions, ticks English and lands in
the editor of the English copy, the figure block already in it; she gives it an English title
and address and publishes it. A visitor then finds it at that English address, its figure
written the English way, linked from the Vietnamese page's language switch. Every admin page
on the way is audited in Vietnamese, the public English page in English (pages.py), except
the listing of English pages publishing leads to, whose titles are English content.
"""

import pytest

from cms.models import ArticlePage, vietnamese_home
from workplace.models import ReportingPeriod

from .pages import vi

pytestmark = pytest.mark.browser

STAFF = "lanhdao.ldld"
NOTICE = "Thông báo tiếp nhận số liệu"
NOTICE_SLUG = "thong-bao-tiep-nhan-so-lieu"
ENGLISH_TITLE = "Data collection notice"
ENGLISH_SLUG = "data-collection-notice"


def vietnamese_notice():
    period = ReportingPeriod.objects.get(slug="2023-h1")
    notice = ArticlePage(
        title=NOTICE,
        slug=NOTICE_SLUG,
        body=[
            {"type": "paragraph", "value": "<p>Liên đoàn Lao động tỉnh tiếp nhận số liệu.</p>"},
            {"type": "figure", "value": {"period": period.pk, "indicator": "conference"}},
        ],
    )
    vietnamese_home().add_child(instance=notice)
    notice.save_revision().publish()
    return notice


def test_staff_translate_a_page_into_english(tour):
    from playwright.sync_api import expect

    notice = vietnamese_notice()
    page = tour.page
    main = page.get_by_role("main")
    tour.sign_in_admin(STAFF)

    tour.open(f"/admin/pages/{notice.pk}/edit/")
    page.get_by_role("button", name=vi("Actions")).first.click()
    tour.follow(page.get_by_role("link", name=vi("Translate"), exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text(vi("Translate page"))
    main.get_by_role("checkbox", name=vi("English")).check()
    tour.submit(main.get_by_role("button", name=vi("Submit")))

    # The English copy's editor, with the Vietnamese page's blocks to rewrite.
    expect(page.locator("#id_title")).to_have_value(NOTICE)
    expect(main.get_by_text(vi("Figure"), exact=True).first).to_be_visible()
    page.locator("#id_title").fill(ENGLISH_TITLE)
    page.get_by_role("tab", name=vi("Promote")).click()
    page.locator("#id_slug").fill(ENGLISH_SLUG)
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target=toggle]").first.click()
    # Publishing leads to the English pages' listing: their titles are English content, not
    # interface, so that page is not audited for English words.
    with page.expect_navigation():
        page.get_by_role("button", name=vi("Publish")).click()
    expect(page.locator(".messages")).to_contain_text(ENGLISH_TITLE)

    tour.open(f"/{NOTICE_SLUG}/")
    tour.follow(page.get_by_role("navigation").get_by_role("link", name="English"), "en")
    assert page.url.endswith(f"/en/{ENGLISH_SLUG}/"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGLISH_TITLE)
    expect(page.locator(".figure-block strong")).to_have_text("95/104 (91.3%)")

    tour.audit.assert_clean()
