"""The Wagtail admin: data screens, imports, reports, and invitations for new accounts.

The menus and the home page show only what the federation works with: Wagtail's images,
documents, collections, workflows, sites, groups, its own page reports and its help menu are
left out (their screens stay reachable by address for a developer).
"""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.forms.account import NameEmailForm
from wagtail.admin.menu import MenuItem
from wagtail.documents.wagtail_hooks import DocumentsSummaryItem
from wagtail.images.wagtail_hooks import ImagesSummaryItem

from .admin import exports as admin_exports
from .admin import imports as admin_imports
from .admin import reports as admin_reports
from .admin.choosers import unit_chooser_viewset
from .admin.viewsets import DataGroup
from .invitations import invite_on_commit

# Wagtail's own menu items the federation has no use for: news articles carry no images or
# documents, pages are published without a moderation workflow, and the help menu links to
# English-only guides. The site is set up once when deployed, and an account's rights follow
# its role (see ``permissions``), so neither sites nor groups are edited by hand.
UNUSED_MENU_ITEMS = {"images", "documents", "help"}
UNUSED_SETTINGS_ITEMS = {"collections", "workflows", "workflow-tasks", "sites", "groups"}
UNUSED_SUMMARY_ITEMS = (ImagesSummaryItem, DocumentsSummaryItem)


# The unit chooser first: the data screens' forms, built as they register, then pick their
# enterprise with it.
@hooks.register("register_admin_viewset")
def register_unit_chooser():
    return unit_chooser_viewset


@hooks.register("register_admin_viewset")
def register_data_screens():
    return DataGroup()


@hooks.register("insert_global_admin_css")
def admin_styles():
    return format_html('<link rel="stylesheet" href="{}">', static("workplace/admin/admin.css"))


@hooks.register("construct_main_menu")
def hide_unused_menu_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in UNUSED_MENU_ITEMS]


@hooks.register("construct_settings_menu")
def hide_unused_settings_items(request, menu_items):
    menu_items[:] = [item for item in menu_items if item.name not in UNUSED_SETTINGS_ITEMS]


# The Reports menu holds the federation's own reports only: the coverage report and the audit
# log replace Wagtail's page reports (locked pages, workflows, site history, aging pages).
@hooks.register("construct_reports_menu")
def keep_own_reports(request, menu_items):
    own = {url_name for _label, url_name, _icon, _order in admin_reports.REPORTS_MENU}
    menu_items[:] = [item for item in menu_items if item.name in own]


@hooks.register("construct_search")
def hide_unused_search_areas(request, search_areas):
    search_areas[:] = [area for area in search_areas if area.name not in UNUSED_MENU_ITEMS]


# Runs after the images and documents apps have added their counts to the home page.
@hooks.register("construct_homepage_summary_items", order=100)
def hide_unused_summary_items(request, items):
    items[:] = [item for item in items if not isinstance(item, UNUSED_SUMMARY_ITEMS)]


@hooks.register("register_admin_urls")
def register_workplace_urls():
    return [
        path("", include(admin_imports.urlpatterns)),
        path("", include(admin_exports.urlpatterns)),
        path("", include(admin_reports.urlpatterns)),
    ]


def _menu_hook(label, url_name, icon, order):
    def menu_item():
        # Named after the URL, not the label, which changes with the language.
        return MenuItem(label, reverse(url_name), name=url_name, icon_name=icon, order=order)

    return menu_item


for _module in (admin_imports, admin_exports, admin_reports):
    for _entry in _module.MENU:
        hooks.register("register_admin_menu_item", _menu_hook(*_entry))
for _entry in admin_reports.REPORTS_MENU:
    hooks.register("register_reports_menu_item", _menu_hook(*_entry))


@hooks.register("construct_homepage_panels")
def add_coverage_panel(request, panels):
    panels.extend(admin_reports.dashboard_panels(request))


@hooks.register("after_create_user")
def invite_new_account(request, user):
    """An account created without a password: its owner is e-mailed an invitation."""
    if not user.has_usable_password():
        invite_on_commit(user)


# Accounts keep one "full name" (Vietnamese names do not split into first and last the way
# the form assumes); Wagtail's account settings would otherwise refuse to save any change,
# a language or a password included, until both halves were typed.
for _name in ("first_name", "last_name"):
    NameEmailForm.base_fields[_name].required = False
