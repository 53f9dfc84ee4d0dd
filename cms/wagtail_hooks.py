"""Admin hooks of the public site: the report writer."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from workplace.admin.access import is_federation_staff

from . import admin_views


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
