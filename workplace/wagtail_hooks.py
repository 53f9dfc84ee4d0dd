"""The Wagtail admin: data screens, imports, reports, and invitations for new accounts."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_exports, admin_imports, admin_reports
from .accounts import invite_on_commit
from .viewsets import DataGroup


@hooks.register("register_admin_viewset")
def register_data_screens():
    return DataGroup()


@hooks.register("register_admin_urls")
def register_workplace_urls():
    return [
        path("", include(admin_imports.urlpatterns)),
        path("", include(admin_exports.urlpatterns)),
        path("", include(admin_reports.urlpatterns)),
    ]


def _menu_hook(label, url_name, icon, order):
    def menu_item():
        return MenuItem(label, reverse(url_name), icon_name=icon, order=order)

    return menu_item


for _module in (admin_imports, admin_exports, admin_reports):
    for _entry in _module.MENU:
        hooks.register("register_admin_menu_item", _menu_hook(*_entry))


@hooks.register("construct_homepage_panels")
def add_coverage_panel(request, panels):
    panels.extend(admin_reports.dashboard_panels(request))


@hooks.register("after_create_user")
def invite_new_account(request, user):
    """An account created without a password: its owner is e-mailed an invitation."""
    if not user.has_usable_password():
        invite_on_commit(user)
