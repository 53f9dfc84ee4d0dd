"""Federation staff only: the one check every screen of the admin makes.

Wagtail already lets in only accounts with ``wagtailadmin.access_admin``, which
``User.has_perm`` grants federation staff alone. Each screen checks once more, so that no
other way to a view (a URL registered elsewhere, a view called directly) lets anyone else in.
"""

import functools

from django.core.exceptions import PermissionDenied
from wagtail.utils.urlpatterns import decorate_urlpatterns


def is_federation_staff(user):
    """Whether ``user`` is federation staff; an anonymous visitor is not."""
    return getattr(user, "is_federation", False)


def refuse_unless_federation_staff(user):
    if not is_federation_staff(user):
        raise PermissionDenied


def federation_only(view):
    """A view function for federation staff only: anyone else is refused (403)."""

    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        refuse_unless_federation_staff(request.user)
        return view(request, *args, **kwargs)

    return guarded


class FederationOnlyMixin:
    """``federation_only`` for a class-based view."""

    def dispatch(self, request, *args, **kwargs):
        refuse_unless_federation_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


class FederationOnlyViewSetMixin:
    """For a Wagtail viewset: every view it registers is ``federation_only``."""

    def get_urlpatterns(self):
        return decorate_urlpatterns(super().get_urlpatterns(), federation_only)
