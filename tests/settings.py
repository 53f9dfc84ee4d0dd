"""The site's settings, for the test suite (``DJANGO_SETTINGS_MODULE`` in pyproject.toml).

DEBUG is off unless the environment asks for it; the tests run the site as a developer does,
with ``DEBUG=true`` (a throw-away secret, static files without a manifest, no redirect to
HTTPS), unless the environment says otherwise. The default goes into ``os.environ`` rather
than into a setting, so that the ``manage.py`` processes some tests start read it too.
"""

import os

os.environ.setdefault("DEBUG", "true")

from union_site.settings import *  # noqa: E402, F403
