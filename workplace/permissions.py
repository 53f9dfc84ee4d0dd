"""Federation staff's rights in the Wagtail admin, kept in one group.

Officers and reviewers work in the portal only; federation staff get every permission of the
admin through the federation group, which follows the account's role.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

FEDERATION_GROUP = "Federation staff"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = ("add", "change", "delete", "choose")


def federation_group():
    """The group, with every permission there is, over the whole page and collection trees."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, _created = Group.objects.get_or_create(name=FEDERATION_GROUP)
    group.permissions.set(Permission.objects.all())
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root_page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            for action in COLLECTION_PERMISSIONS:
                permission = Permission.objects.filter(
                    content_type__app_label=app, codename=f"{action}_{model}"
                ).first()
                if permission is not None:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
    return group


def grant_every_permission(app_config, using="default", apps=global_apps, **kwargs):
    """After ``migrate`` (an app at a time): the federation group, once it exists, also gets
    the permissions of the models added since it was made (a new kind of record), so staff
    see their screens."""
    group = Group.objects.using(using).filter(name=FEDERATION_GROUP).first()
    if group is None:
        return
    # Django makes the app's permissions on this same signal, perhaps only after this.
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    group.permissions.add(
        *Permission.objects.using(using).filter(content_type__app_label=app_config.label)
    )


def sync_federation_membership(user):
    """Federation accounts belong to the group; every other account is taken out of it."""
    if user.role == user.Role.FEDERATION:
        if not user.groups.filter(name=FEDERATION_GROUP).exists():
            user.groups.add(federation_group())
    else:
        user.groups.remove(*Group.objects.filter(name=FEDERATION_GROUP))
