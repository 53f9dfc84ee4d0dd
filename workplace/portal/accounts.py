"""Signing in and out, resetting a forgotten password, and accepting an invitation.

Django's own authentication views with the portal's templates. Nothing a visitor sees tells
whether an account exists: a wrong username and a wrong password get the same message, and a
password-reset request always ends on the same "check your e-mail" page.
"""

import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

TEMPLATES = "portal/accounts/"


def _same_address(first, second):
    def normal(text):
        return unicodedata.normalize("NFKC", text).casefold()

    return normal(first) == normal(second)


class AccountPasswordResetForm(PasswordResetForm):
    """Also reaches accounts still waiting for their first password.

    Every account here signs in with a password of its own; an officer who lost their
    invitation e-mail gets a fresh link the same way as one who forgot their password.
    Inactive accounts get nothing.
    """

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        candidates = User._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (user for user in candidates if _same_address(email, getattr(user, email_field)))


class LoginView(auth_views.LoginView):
    template_name = TEMPLATES + "login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule), so a link or an image cannot sign anyone out."""


class PasswordResetView(auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm
    template_name = TEMPLATES + "password_reset_form.html"
    subject_template_name = TEMPLATES + "password_reset_subject.txt"
    email_template_name = TEMPLATES + "password_reset_email.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    @property
    def extra_email_context(self):
        # Links point at the configured site address, never at the request's Host header.
        return {"base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = TEMPLATES + "password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = TEMPLATES + "password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = TEMPLATES + "password_reset_complete.html"


class InvitationView(auth_views.PasswordResetConfirmView):
    """The invited owner of a new account chooses their first password."""

    template_name = TEMPLATES + "invitation.html"
    title = _("Choose your password")
    success_url = reverse_lazy("portal:login")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.validlink:
            context["title"] = _("This invitation link cannot be used")
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set. Log in with the username %(username)s and your password.")
            % {"username": form.user.get_username()},
        )
        return response


urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<uidb64>/<token>/", InvitationView.as_view(), name="invitation"),
]
