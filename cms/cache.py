"""A cache of public responses, in the default cache (Redis when ``REDIS_URL`` is set).

Two pieces share the work. ``cache_public`` wraps each public view: it alone knows the answer
is the same for every anonymous visitor, and it marks the response for storing.
``PublicCacheMiddleware`` sits near the top of the middleware stack: on the way out it stores
the marked response with the headers every later middleware gave it (security policy, frame
options, languages); on the way in it serves a stored copy before sessions, authentication,
CSRF, messages or the URL resolver run, so a hit costs little more than a static file.

Every stored copy carries the generation it was made in, a number kept in the cache itself;
``clear_public_cache()`` starts a new generation, so all stored pages and API answers are
dropped at once on every process sharing the cache, without clearing anything else the cache
holds. A request reads the generation and its copy together, in one round trip to the cache.

Browsers and proxies may keep the same answers: each carries ``Cache-Control: public`` with a
``max-age`` no longer than a stored copy lives, and an ETag (the view's own, derived from the
period's frozen figures, or else a hash of the content). A client that sends it back in
``If-None-Match`` gets ``304 Not Modified``, from a stored copy or a fresh one alike. Nothing
else is ever marked public: signed-in visitors' answers are ``private``, and the portal and the
admin never come through here.
"""

import functools
import hashlib
import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe

from .middleware import CHOSEN_LANGUAGE_PREFIXES as PRIVATE_PREFIXES

logger = logging.getLogger(__name__)

GENERATION_KEY = "cms:public:generation"
TIMEOUT = getattr(settings, "PUBLIC_CACHE_SECONDS", 600)
# How long a browser or proxy may reuse a public answer without asking again. Short: clearing
# this cache cannot reach their copies, so an unpublished period's figures must not outlive it
# there by more than a minute; asking again is cheap (a 304 when nothing changed).
BROWSER_SECONDS = min(60, TIMEOUT)
# Set on each answer to say whether it came from the cache; never stored.
MARK_HEADER = "X-Public-Cache"


def clear_public_cache():
    """Drop every cached public page and API answer (called when a period changes status).

    It runs once the change is committed: if the cache cannot be reached then, the change
    stands and the failure is logged; copies made before it expire within ``TIMEOUT``.
    """
    try:
        # set_many, not set: the Redis backend lets a single set that cannot reach Redis pass
        # quietly (union_site/redis_cache.py), and a clear that failed must be logged as such.
        cache.set_many({GENERATION_KEY: uuid.uuid4().hex}, None)
    except Exception:
        logger.exception("The public cache could not be cleared")


def _new_generation():
    generation = uuid.uuid4().hex
    # add() keeps a generation another process set in the meantime.
    if not cache.add(GENERATION_KEY, generation, None):
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def _anonymous_read(request):
    # Without a session cookie nobody is signed in and no page password was passed; with one,
    # the pages are the visitor's own (and admin previews never come through here).
    return request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES


# The portal and the admin are never public; the health check must answer from this server's
# own state, and keep answering when the cache is down: no need to ask the cache about them.
NEVER_STORED = (*PRIVATE_PREFIXES, "/health/")


def _may_be_stored(request):
    return _anonymous_read(request) and not request.path_info.startswith(NEVER_STORED)


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _shareable(response):
    """An answer the same for every anonymous visitor: a 200 that may be stored, or a 304."""
    if response.status_code == 304:
        return not response.cookies and "private" not in response.get("Cache-Control", "")
    return _cacheable_response(response)


def _mark_public(response):
    """Let browsers and proxies keep the answer for a while and ask again with its ETag."""
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    # A shared cache must not hand a copy made for a visitor without cookies to one with them.
    patch_vary_headers(response, ["Cookie"])
    if response.status_code == 200 and not response.has_header("ETag"):
        set_response_etag(response)


def _answer_conditionally(request, response):
    """A 304 when the visitor's copy matches the answer's ETag or Last-Modified (as Django's
    ``ConditionalGetMiddleware``), for stored copies and fresh ones alike."""
    if response.status_code != 200:
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )


def _language(request):
    """The language a public answer is in: the URL's prefix, else the site's language.

    The same rule as ``i18n_patterns(prefix_default_language=False)``, readable before
    ``LocaleMiddleware`` runs.
    """
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


# The query parameters public pages and open data read; any other is left out of the key, so
# that ``?x=1``, ``?x=2``… cannot fill the cache with copies of one page.
KNOWN_PARAMETERS = ("by", "page", "q")


def _key(request):
    known = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name in KNOWN_PARAMETERS
        # The value the views read (``QueryDict.get``: the last), so that ``?by=area&by=sector``
        # cannot store the sector table under the key of ``?by=area``.
        for value in values[-1:]
    )
    query = urlencode(known)
    path = request.path + ("?" + query if query else "")
    # Hashed: a search of a long sentence must not make a key longer than a cache accepts.
    digest = hashlib.sha256(path.encode()).hexdigest()
    return ":".join(("cms:public", _language(request), request.get_host(), digest))


def _lookup(key):
    """The current generation and the copy stored under ``key`` if it belongs to it.

    The cache only saves work: when it cannot be reached the page is made afresh (generation
    None: nothing is stored either), rather than every public page failing with it.
    """
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or _new_generation()
    except Exception:
        logger.exception("The public cache cannot be read; serving pages uncached")
        return None, None
    stored = found.get(key)
    if stored is not None and stored.get("generation") != generation:
        stored = None
    return generation, stored


def _restore(stored):
    response = HttpResponse(stored["content"], status=200)
    for name, value in stored["headers"]:
        response[name] = value
    response[MARK_HEADER] = "hit"
    return response


def _store(key, generation, response):
    headers = [(name, value) for name, value in response.items() if name != MARK_HEADER]
    stored = {"generation": generation, "content": response.content, "headers": headers}
    try:
        cache.set(key, stored, TIMEOUT)
    except Exception:
        logger.exception("The public cache cannot be written")
        return False
    return True


def cache_public(view):
    """Mark ``view``'s answers to anonymous visitors for ``PublicCacheMiddleware`` to store."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not _anonymous_read(request) or request.user.is_authenticated:
            patch_cache_control(response, private=True)
        elif translation.get_language() == _language(request):
            # (A page in another language than its URL says would be stored under the
            # wrong key; nothing does that today, and then it is simply not stored.)
            response.public_cache = True
        return response

    return wrapper


class PublicCacheMiddleware:
    """Serve anonymous visitors stored copies of public answers; store the marked ones."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _may_be_stored(request):
            return self.get_response(request)
        key = _key(request)
        generation, stored = _lookup(key)
        if stored is not None:
            return _answer_conditionally(request, _restore(stored))
        response = self.get_response(request)
        if not getattr(response, "public_cache", False):
            return response
        if hasattr(response, "render") and callable(response.render):
            response.render()
        if _shareable(response):
            _mark_public(response)
            if generation is not None and _cacheable_response(response):
                if _store(key, generation, response):
                    response[MARK_HEADER] = "miss"
        return _answer_conditionally(request, response)
