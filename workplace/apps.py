from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
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
        post_migrate.connect(_keep_facts, sender=self, dispatch_uid="workplace.keep_facts")
        for model in (self.get_model("Area"), self.get_model("UnionBody")):
            for signal in (post_save, post_delete):
                signal.connect(_trees_changed, sender=model, dispatch_uid=f"trees.{model}.{signal}")


def _keep_facts(using, **kwargs):
    """A database just migrated counts the facts of its open periods once (see
    ``kept_facts``); later migrations find them kept and change nothing."""
    from django.db import connections

    from .kept_facts import keep_open_periods
    from .models import UnitFacts

    # Migrated back to before the facts were kept: nothing to count.
    if UnitFacts._meta.db_table in connections[using].introspection.table_names():
        keep_open_periods()


def _trees_changed(**kwargs):
    from .compliance import trees_changed

    trees_changed()


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's account screens, with the tracker's own account form (role, body, units)."""

    user_viewset = "workplace.admin.accounts.AccountViewSet"
