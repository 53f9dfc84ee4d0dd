"""Errors sent to Sentry, only when the environment names a Sentry project (``SENTRY_DSN``).

Without it nothing is set up: the SDK stays installed but idle, and nothing leaves the machine.
"""

import os


def init_sentry(environ=os.environ):
    """Start Sentry's Django integration if ``SENTRY_DSN`` is set; say whether it started."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        # No user names, e-mail or IP addresses, cookies, request bodies or the values a view
        # held in the reports: officers' accounts and union members' records stay on the site.
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        environment=environ.get("SENTRY_ENVIRONMENT") or None,
        release=environ.get("SENTRY_RELEASE") or None,
    )
    return True
