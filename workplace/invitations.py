"""Invitations: a new account's owner chooses their own first password.

An account created by an import or in the Wagtail admin has no usable password; its owner gets
an e-mail with a link to the portal's invitation page, valid as long as a password-reset link
(``PASSWORD_RESET_TIMEOUT``). The e-mail is written in the site's default language
(Vietnamese), whatever language the person who created the account was using.
"""

import contextlib
import contextvars
import functools

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from union_site import site_address

INVITATION_SUBJECT_TEMPLATE = "portal/accounts/invitation_subject.txt"
INVITATION_EMAIL_TEMPLATE = "portal/accounts/invitation_email.txt"

_suppressed = contextvars.ContextVar("invitations_suppressed", default=False)


@contextlib.contextmanager
def invitations_suppressed():
    """Create accounts inside the block without e-mailing anyone (demo data, fixtures)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def invitations_enabled():
    return not _suppressed.get()


def site_url(path):
    """An absolute address on the public site (SITE_URL), for links sent by e-mail."""
    return site_address.absolute_url(path)


def invitation_link(user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_url(reverse("portal:invitation", kwargs={"uidb64": uidb64, "token": token}))


def send_invitation(user):
    """E-mail the owner of ``user`` a link to choose their password; False without an e-mail."""
    if not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "link": invitation_link(user),
            "login_link": site_url(reverse("portal:login")),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
        }
        subject = "".join(render_to_string(INVITATION_SUBJECT_TEMPLATE, context).splitlines())
        body = render_to_string(INVITATION_EMAIL_TEMPLATE, context)
    send_mail(subject.strip(), body, None, [user.email])
    return True


def invite_on_commit(user):
    """Send the invitation once the surrounding transaction commits, never if it rolls back.

    A failure to send is logged rather than raised: the account exists either way, and its
    owner can still ask for a password-reset link.
    """
    if not invitations_enabled() or not user.email:
        return
    transaction.on_commit(functools.partial(send_invitation, user), robust=True)
