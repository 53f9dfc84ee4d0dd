"""Log lines tied to the request they were written in.

``RequestIdMiddleware`` gives every request an id (the one a proxy or load balancer sent in
``X-Request-ID`` when it is a sane token, else a new one) and returns it in the response's
``X-Request-ID`` header, so that a person reporting a problem, the proxy's access log and the
site's own log lines all name the same request. ``RequestContextFilter`` adds that id, the
signed-in user's id and the path to every record logged while the request is handled.
"""

import contextvars
import re
import uuid

from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

HEADER = "X-Request-ID"
# Letters, digits and a few separators, as proxies write them (a UUID, "1-5f8a-…"): anything
# else (spaces, quotes, a kilobyte of text) could forge or garble log lines, so it is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_current_request = contextvars.ContextVar("current_request", default=None)
_current_request_id = contextvars.ContextVar("current_request_id", default=None)


def request_id_from(header_value):
    """The incoming id when it is a sane token, else a new random one."""
    if header_value and SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def current_request_id():
    return _current_request_id.get()


class RequestIdMiddleware:
    """First in the stack, so every answer carries the id, a cached public page included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id
        request_token = _current_request.set(request)
        id_token = _current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            # A server thread goes on to other requests: none may inherit this one's fields.
            _current_request.reset(request_token)
            _current_request_id.reset(id_token)
        response[HEADER] = request_id
        return response


def _loaded_user_id(request):
    """The signed-in user's id if the request has already read it, else None.

    Reading ``request.user`` from a log filter could query the database, and fail when the
    database is the very thing being logged about: only a user already loaded is named.
    """
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is None or wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestContextFilter:
    """Adds ``request_id``, ``user_id`` and ``path`` to records logged inside a request."""

    def filter(self, record):
        request = _current_request.get()
        if request is not None:
            record.request_id = _current_request_id.get()
            record.user_id = _loaded_user_id(request)
            record.path = request.path
        return True


# Django passes the request object itself along with its error records; its text carries the
# query string, which may hold what should not be kept in a log. The path is logged instead.
_LEFT_OUT = [*RESERVED_ATTRS, "request", "taskName"]


def json_formatter():
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, then the
    request's fields and whatever a record carries in ``extra``."""
    return JsonFormatter(
        "%(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
        reserved_attrs=_LEFT_OUT,
        json_ensure_ascii=False,
    )
