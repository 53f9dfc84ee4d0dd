"""A cache of public responses, in the default cache (Redis when ``REDIS_URL`` is set).

Every stored copy carries the generation it was made in, a number kept in the cache itself;
``clear_public_cache()`` starts a new generation, so all stored pages and API answers are
dropped at once on every process sharing the cache, without clearing anything else the cache
holds. A request reads the generation and its copy together, in one round trip to the cache.
"""

import functools
import uuid

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

GENERATION_KEY = "cms:public:generation"
TIMEOUT = getattr(settings, "PUBLIC_CACHE_SECONDS", 600)
# Headers worth keeping with a stored response; cookies never are.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Vary")


def clear_public_cache():
    """Drop every cached public page and API answer (called when a period changes status)."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def _new_generation():
    generation = uuid.uuid4().hex
    # add() keeps a generation another process set in the meantime.
    if not cache.add(GENERATION_KEY, generation, None):
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def _cacheable_request(request):
    # A session cookie means a signed-in user or a passed page password: their pages are
    # their own (and admin previews never come through here).
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request):
    return ":".join(
        (
            "cms:public",
            translation.get_language() or settings.LANGUAGE_CODE,
            request.get_host(),
            request.get_full_path(),
        )
    )


def _lookup(key):
    """The current generation and the copy stored under ``key`` if it belongs to it."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or _new_generation()
    stored = found.get(key)
    if stored is not None and stored.get("generation") != generation:
        stored = None
    return generation, stored


def _restore(stored):
    response = HttpResponse(stored["content"], status=200)
    for name, value in stored["headers"].items():
        response[name] = value
    response["X-Public-Cache"] = "hit"
    return response


def cache_public(view):
    """Serve anonymous visitors a stored copy of ``view``'s answer, per language and URL."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            return response
        key = _key(request)
        generation, stored = _lookup(key)
        if stored is not None:
            return _restore(stored)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if _cacheable_response(response):
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            stored = {"generation": generation, "content": response.content, "headers": headers}
            cache.set(key, stored, TIMEOUT)
            response["X-Public-Cache"] = "miss"
        return response

    return wrapper
