"""Django's own admin is not served: the federation works in Wagtail's admin only."""

from django.apps import apps


def test_django_admin_is_not_found(client, scope):
    client.force_login(scope["staff"])
    for path in ("/django-admin/", "/django-admin/login/", "/django-admin/workplace/user/"):
        assert client.get(path).status_code == 404, path


def test_django_admin_is_not_installed():
    assert not apps.is_installed("django.contrib.admin")
