"""Admin hooks of the public site: the report writer, and translations following their page."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page

from workplace.admin.access import is_federation_staff

from . import admin_views
from .translations import is_vietnamese


@hooks.register("register_admin_urls")
def register_report_writer_urls():
    return [path("", include(admin_views.urlpatterns))]


class FederationMenuItem(MenuItem):
    def is_shown(self, request):
        return is_federation_staff(request.user)


@hooks.register("register_admin_menu_item")
def report_writer_menu_item():
    return FederationMenuItem(
        _("Write a report"),
        reverse("report_writer"),
        name="report_writer",
        icon_name="doc-full",
        order=320,
    )


# What is done to a Vietnamese page in the admin is done to its translations too: an article
# withdrawn in Vietnamese must not stay up in English. (Not the other way round: taking the
# English page down leaves the Vietnamese one.) Wagtail's simple translation does this only
# when it also keeps the trees in step, making an English alias of every new page, which
# would give pages nobody translated an English address. Unpublishing and deleting are left
# to the signals of ``cms.translations``, which reach every way a page is taken down (bulk
# actions, expiry) and the home page: listed here too, Wagtail would do them a second time.
CASCADED_ACTIONS = ("move",)


@hooks.register("construct_translated_pages_to_cascade_actions")
def translations_follow_their_page(pages, action):
    if action not in CASCADED_ACTIONS:
        return None
    return {
        page: Page.objects.translation_of(page, inclusive=False)
        for page in pages
        if is_vietnamese(page)
    }
