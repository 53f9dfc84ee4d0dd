"""The Wagtail admin: accounts with the tracker's fields, and invitations for new ones."""

from wagtail import hooks

from .accounts import invite_on_commit


@hooks.register("after_create_user")
def invite_new_account(request, user):
    """An account created without a password: its owner is e-mailed an invitation."""
    if not user.has_usable_password():
        invite_on_commit(user)
