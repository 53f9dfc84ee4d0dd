"""The site's public address, ``SITE_URL``: the one source of every absolute link.

E-mails (invitations, password resets, reminders), the sitemap and Wagtail's own links are
read by people away from any request, so they cannot take the address from a request's Host
header; they all take it from here. Settings read ``SITE_URL`` into ``WAGTAILADMIN_BASE_URL``
(checked and without a trailing slash), the name Wagtail reads it under.
"""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}


def base_url():
    """``https://congdoan.example.vn``: scheme, host and port if any, no trailing slash."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def absolute_url(path):
    """The address of ``path`` (``/portal/…``, as ``reverse`` gives it) on the public site."""
    return base_url() + "/" + path.lstrip("/")


def host_and_port():
    """The host name and port a Wagtail ``Site`` record needs to match the address."""
    parts = urlsplit(base_url())
    return parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme]
