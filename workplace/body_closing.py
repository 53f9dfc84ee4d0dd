"""A union body closed (a district federation dissolved by the 2025 reorganisation): its units
and the bodies under it move to another body, each unit's move saved like any change of the
unit (so it is in the audit log and the kept figures follow), in one transaction.

Reviewers' scopes follow the union-body tree (``EnterpriseQuerySet.visible_to``): the
successor's reviewers and those above it see the moved units at once. The closed body's own
reviewers are not given the successor's subtree, a wider scope than they had: they are named,
for the federation to assign them again.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Enterprise, UnionBody, User


@dataclasses.dataclass
class Closing:
    units: list
    bodies: list
    reviewers: list


def closing_problems(body, successor):
    if body.closed_on is not None:
        return _("%(body)s is already closed.") % {"body": body.name}
    if successor.closed_on is not None:
        return _("%(body)s is closed: choose an open body.") % {"body": successor.name}
    if successor.path.startswith(body.path):
        return _("The units cannot move to the closed body itself or a body under it.")
    return None


@transaction.atomic
def close(body, on, successor, dry_run=False):
    """Close ``body`` on the day ``on``, moving its units and child bodies to ``successor``."""
    body = UnionBody.objects.select_for_update().get(pk=body.pk)
    successor = UnionBody.objects.select_for_update().get(pk=successor.pk)
    problem = closing_problems(body, successor)
    if problem:
        raise ValidationError(problem)
    closing = Closing(
        units=list(Enterprise.objects.filter(union_body=body).order_by("tax_code")),
        bodies=list(body.children.order_by("code")),
        reviewers=list(User.objects.filter(union_body=body, role=User.Role.REVIEWER)),
    )
    if dry_run:
        return closing
    for child in closing.bodies:
        child.parent = successor
        child.save()  # its subtree's paths follow
    for unit in closing.units:
        unit.union_body = successor
        unit.save()
    body.closed_on = on
    body.save()
    return closing
