"""A plain "try again later" page when the database cannot be reached."""

import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
_MARK = "_database_unavailable"


def database_busy(error):
    """Whether ``error`` says another writer holds the database for now (SQLite's lock, a
    PostgreSQL lock timeout): worth trying again in a moment, not an outage."""
    text = str(error).lower()
    return isinstance(error, OperationalError) and ("locked" in text or "lock timeout" in text)


def database_unavailable_response():
    """A 503 page that needs neither the database nor the request: no traceback, ever."""
    try:
        body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    except Exception:  # the page must come out even if its template cannot
        body = _("The service is temporarily unavailable. Please try again in a few minutes.")
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _note_database_error(sender, request=None, **kwargs):
    """Mark a request whose unhandled error (say, in a middleware) was a database outage."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_ERRORS):
        setattr(request, _MARK, True)


got_request_exception.connect(_note_database_error, dispatch_uid="union_site_database_unavailable")


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page when the database is unreachable.

    Errors raised by views and templates are caught in ``process_exception``; one raised by
    another middleware has already become a 500 response by the time it gets here, so that
    response is replaced when it was caused by a database error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS as error:
            return self._unavailable(error)
        if not getattr(request, _MARK, False):
            return response
        if response.status_code == 500:
            response = database_unavailable_response()
        # A session that could not be read is not an empty one: keep the visitor signed in.
        response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            setattr(request, _MARK, True)
            return self._unavailable(exception)
        return None

    def _unavailable(self, error):
        logger.error("Database unavailable: %s", error)
        return database_unavailable_response()
