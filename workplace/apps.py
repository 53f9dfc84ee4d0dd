from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class WorkplaceConfig(AppConfig):
    # This module holds two configurations: this one is the app's own.
    default = True
    name = "workplace"
    verbose_name = _("Workplace democracy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .documents import connect_document_cleanup
        from .permissions import grant_every_permission

        connect_document_cleanup(self.get_models())
        # Sent for every app, after Django has made that app's permissions.
        post_migrate.connect(grant_every_permission, dispatch_uid="workplace.federation_rights")


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's account screens, with the tracker's own account form (role, body, units)."""

    user_viewset = "workplace.admin.accounts.AccountViewSet"
