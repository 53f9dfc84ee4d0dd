"""Views of the site as a whole: the page shown when a form's CSRF check fails."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def back_to_form(request):
    """The page the form was sent from, when it is on this site; else None."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def csrf_failure(request, reason=""):
    """A form that expired or came without its cookie: say so in the site's words, in both
    languages, with the way back, instead of Django's technical page (settings.CSRF_FAILURE_VIEW).
    """
    context = {"back_url": back_to_form(request)}
    return render(request, "403_csrf.html", context, status=403)
