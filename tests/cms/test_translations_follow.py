"""What is done to a Vietnamese page in the admin happens to its English translation too,
through the page's own actions, the bulk actions, or code (a period unlocked, an expiry);
taking the English page down leaves the Vietnamese one."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, PageLogEntry, PageViewRestriction

from cms.models import HomePage
from cms.translations import english_home, translation_in


@pytest.fixture
def staff(client, make_user):
    client.force_login(make_user("staff", role="federation"))
    return client


def test_unpublishing_through_the_page_action(client, staff, make_article):
    article = make_article("rut-lai", title="Bài rút lại")
    english = translation_in(article, "en")
    assert staff.post(f"/admin/pages/{article.pk}/unpublish/").status_code == 302
    english.refresh_from_db()
    assert not english.live
    # Taken down once, and recorded once.
    assert PageLogEntry.objects.filter(page=english, action="wagtail.unpublish").count() == 1
    staff.logout()
    assert client.get(english.url).status_code == 404


def test_unpublishing_in_bulk(staff, make_article):
    article = make_article("rut-lai-nhieu", title="Rút lại nhiều")
    english = translation_in(article, "en")
    response = staff.post(f"/admin/bulk/wagtailcore/page/unpublish/?id={article.pk}")
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    english.refresh_from_db()
    assert not article.live and not english.live


def test_unpublishing_the_english_page_leaves_the_vietnamese_one(staff, make_article):
    article = make_article("chi-bo-ban-dich", title="Chỉ bỏ bản dịch")
    english = translation_in(article, "en")
    staff.post(f"/admin/pages/{english.pk}/unpublish/")
    article.refresh_from_db()
    english.refresh_from_db()
    assert article.live and not english.live


@pytest.mark.parametrize("how", ["page", "bulk"])
def test_deleting_takes_the_translation_along(staff, make_article, how):
    article = make_article("xoa-bo", title="Xoá bỏ")
    english = translation_in(article, "en")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="mat-khau"
    )
    if how == "page":
        response = staff.post(f"/admin/pages/{article.pk}/delete/")
    else:
        response = staff.post(f"/admin/bulk/wagtailcore/page/delete/?id={article.pk}")
    assert response.status_code in (200, 302)
    assert not Page.objects.filter(pk__in=[article.pk, english.pk]).exists()


def test_deleting_the_home_page_takes_the_english_site_along(client, home, make_article):
    # Only an administrator may delete the site's home page.
    client.force_login(get_user_model().objects.create_superuser("quantri", "qt@example.org"))
    make_article("mot-bai", title="Một bài")
    english = english_home(home)
    assert client.post(f"/admin/pages/{home.pk}/delete/").status_code == 302
    assert not HomePage.objects.exists()
    assert not Page.objects.filter(path__startswith=english.path).exists()
