"""What every portal view shares: who may do what, and objects fetched only within scope.

Every object a view touches comes through ``visible_to(user)``; an id outside the user's scope
is simply not found (404), so a guessed URL tells nothing about what exists.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from union_site.middleware import database_busy
from workplace.models import Enterprise


def unit_for(user, pk):
    """A unit the user may see, or 404."""
    return get_object_or_404(Enterprise.objects.visible_to(user), pk=pk)


def record_for(model, user, pk):
    """A record of a unit the user may see, or 404."""
    return get_object_or_404(model.objects.visible_to(user).select_related("enterprise"), pk=pk)


def is_reviewer_or_staff(user):
    return user.is_authenticated and (user.is_federation or user.is_reviewer)


def portal_view(view):
    """Any signed-in account; anonymous visitors go to the login page."""
    return login_required(view)


def reviewer_view(view):
    """Reviewers and federation staff only; officers get 403."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_reviewer_or_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def save_unless_busy(form, save):
    """Run ``save`` in a transaction; when another writer holds the database past the wait,
    say so on the form, which keeps everything the person typed, instead of failing.

    Returns whether it saved.
    """
    try:
        with transaction.atomic():
            save()
    except OperationalError as error:
        if not database_busy(error):
            raise
        form.add_error(
            None,
            _(
                "The database is busy with another change right now. Nothing was saved, and "
                "what you entered is kept below: press Save again in a moment."
            ),
        )
        return False
    return True
