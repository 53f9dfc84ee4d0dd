"""The admin in Vietnamese: Wagtail's own texts, the menus, codes shown in words, dates, and
the project's buttons drawn with Wagtail's markup."""

import pathlib
import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from wagtail.admin.menu import admin_menu, reports_menu, settings_menu

from workplace.admin import translations as admin_translations
from workplace.audit import acting_as
from workplace.models import AuditEntry, ImportLog

from ...conftest import declare

VI = {"HTTP_ACCEPT_LANGUAGE": "vi"}


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


def page(client, url, **params):
    response = client.get(url, params, **VI)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Wagtail's texts --------------------------------------------------------------------------


def wagtail_texts():
    """(singular, plural or None) of every text listed for the catalogue."""
    for text in admin_translations.WAGTAIL_TEXTS:
        if isinstance(text, str):
            yield text, None
        else:  # a lazy plural keeps the texts it was given
            yield text._kw["singular"], text._kw["plural"]


def test_every_listed_wagtail_text_has_a_vietnamese_translation():
    untranslated = []
    with translation.override("vi"):
        for singular, plural in wagtail_texts():
            shown = ngettext(singular, plural, 1) if plural else gettext(singular)
            if shown == singular:
                untranslated.append(singular)
    assert untranslated == []


def test_wagtails_own_listing_texts_read_in_vietnamese(staff_client, scope):
    content = page(staff_client, reverse("enterprises:index"))
    assert "Trang 1/1" in content
    assert "Page 1 of 1" not in content
    empty = page(staff_client, reverse("enterprises:index"), q="khong co don vi nay")
    assert "No enterprises match your query" not in empty
    assert "Không có doanh nghiệp nào khớp với tìm kiếm." in empty


def test_the_dashboard_and_account_screens_read_in_vietnamese(staff_client, scope):
    home = page(staff_client, reverse("wagtailadmin_home"))
    assert "Tìm trong tất cả các trang…" in home
    assert "Search all pages" not in home
    account = page(staff_client, reverse("wagtailadmin_account"))
    assert "Họ tên và thư điện tử" in account and "Name and Email" not in account


def test_wagtails_client_side_texts_are_translated(staff_client):
    catalogue = page(staff_client, reverse("wagtailadmin_javascript_catalog"))
    # "Insert a block", in the page editor; the catalogue escapes non-ASCII letters.
    assert '"Insert a block": "Ch\\u00e8n kh\\u1ed1i"' in catalogue


# --- what the menus leave out -------------------------------------------------------------


def menu_names(menu, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return {item.name for item in menu.menu_items_for_request(request)}


def test_the_menus_leave_out_what_the_federation_does_not_use(scope):
    main = menu_names(admin_menu, scope["staff"])
    assert {"explorer", "imports", "exports", "reports"} <= main
    assert not main & {"images", "documents", "help"}
    # The Reports menu holds the federation's own reports, none of Wagtail's page reports.
    assert menu_names(reports_menu, scope["staff"]) == {"coverage_units"}
    in_settings = menu_names(settings_menu, scope["staff"])
    assert "users" in in_settings
    assert not in_settings & {"collections", "workflows", "workflow-tasks", "sites", "groups"}


def test_the_home_page_counts_no_images_or_documents(staff_client, scope):
    home = page(staff_client, reverse("wagtailadmin_home"))
    assert reverse("wagtailimages:index") not in home
    assert reverse("wagtaildocs:index") not in home


# --- codes in words ---------------------------------------------------------------------------


def test_booleans_read_co_and_khong_in_listings_and_inspect_views(staff_client, scope):
    closed = declare(scope["unit_a"], "2023-05-31", 20, operating=False)

    listing = page(staff_client, reverse("headcounts:index"))
    inspect = page(staff_client, reverse("headcounts:inspect", args=[closed.pk]))

    assert ">Có<" in re.sub(r"\s+", "", listing) and ">Không<" in re.sub(r"\s+", "", listing)
    assert "True" not in listing and "False" not in listing
    assert "Không" in inspect and "False" not in inspect


def test_a_boolean_filter_in_force_reads_in_words(staff_client, scope):
    listing = page(staff_client, reverse("headcounts:index"), operating="true")
    assert "True" not in listing


def test_the_audit_log_names_channels_kinds_of_records_and_actions(staff_client, scope):
    with acting_as(scope["staff"], "portal"):
        declare(scope["unit_a"], "2023-07-31", 30)
    entry = AuditEntry.objects.filter(source="portal").latest("pk")

    listing = page(staff_client, reverse("audit:index"))
    inspect = page(staff_client, reverse("audit:inspect", args=[entry.pk]))

    for content in (listing, inspect):
        assert "Cổng thông tin" in content
        assert "Khai báo số đoàn viên, người lao động" in content  # the kind of record
        assert "Đã tạo" in content  # the action
        assert ">workplace.headcountdeclaration<" not in re.sub(r"\s+", "", content)
    assert "Số đoàn viên: — → 30" in inspect  # the change, field by field


def test_the_audit_log_is_filtered_by_channel_and_kind_of_record(staff_client, scope):
    with acting_as(scope["staff"], "portal"):
        declare(scope["unit_a"], "2023-07-31", 30)
    response = staff_client.get(
        reverse("audit:index"), {"source": "portal", "model": "workplace.headcountdeclaration"}
    )
    shown = list(response.context["object_list"])
    assert shown and {(e.source, e.model) for e in shown} == {
        ("portal", "workplace.headcountdeclaration")
    }
    content = response.content.decode()
    assert '<option value="portal" selected>Cổng thông tin</option>' in content


def test_the_import_log_names_the_kind_of_records(staff_client, scope):
    ImportLog.objects.create(
        actor=scope["staff"],
        kind="conferences",
        file_name="hoi-nghi.csv",
        checksum="0" * 64,
        status=ImportLog.Status.PREVIEWED,
    )
    listing = page(staff_client, reverse("import_log:index"))
    assert "Hội nghị người lao động" in listing
    assert ">conferences<" not in re.sub(r"\s+", "", listing)


# --- dates ------------------------------------------------------------------------------------


def test_the_admins_dates_are_day_month_year(staff_client, scope):
    log = ImportLog.objects.create(
        actor=scope["staff"],
        kind="areas",
        file_name="dia-ban.csv",
        checksum="0" * 64,
        status=ImportLog.Status.PREVIEWED,
    )
    when = timezone.localtime(log.at)
    expected = when.strftime("%d/%m/%Y %H:%M")
    for url in (reverse("imports"), reverse("import_preview", args=[log.pk])):
        content = page(staff_client, url)
        assert expected in content, url
        assert when.strftime("%Y-%m-%d") not in content, url


# --- the project's buttons ----------------------------------------------------------------------

TEMPLATE_DIRS = [
    pathlib.Path(settings.BASE_DIR) / "workplace" / "templates" / "workplace" / "admin",
    pathlib.Path(settings.BASE_DIR) / "cms" / "templates" / "cms" / "admin",
]
BUTTON = re.compile(r"<(a|button)\b[^>]*class=\"(button[^\"]*)\"[^>]*>(.*?)</\1>", re.S)


def project_buttons():
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            for match in BUTTON.finditer(path.read_text()):
                yield path.name, match.group(2), match.group(3)


def test_every_button_with_an_icon_uses_wagtails_icon_button_markup():
    with_icons = [
        (name, classes, body) for name, classes, body in project_buttons() if "{% icon" in body
    ]
    assert with_icons  # the check looks at real buttons
    for name, classes, body in with_icons:
        assert "button--icon" in classes.split(), (name, classes)
        assert "wrapped=1" in body, (name, body)


@pytest.mark.parametrize("name", ["imports", "exports"])
def test_the_import_and_export_buttons_render_their_icon_in_a_wrapper(staff_client, name):
    content = page(staff_client, reverse(name))
    buttons = re.findall(
        r'<(?:a|button)[^>]*class="button[^"]*"[^>]*>.*?</(?:a|button)>', content, re.S
    )
    with_icons = [button for button in buttons if "<svg" in button]
    assert with_icons
    assert all('class="icon-wrapper"' in button for button in with_icons)
