"""Settings for the Union Democracy Tracker, read from the environment.

With nothing set it runs on SQLite in ``db.sqlite3`` with DEBUG off, and so asks for a
SECRET_KEY; ``DEBUG=true`` is for development (with a throw-away secret). ``DATABASE_URL``
switches to PostgreSQL and ``REDIS_URL`` to a shared Redis cache, so one module serves a
laptop, CI and production alike.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from union_site.error_reporting import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# Operators: DEBUG is off unless asked for (DEBUG=true, for development only): a server
# started without it never shows tracebacks and settings to visitors.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is false (a long random "
            "value, e.g. from python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "dev-only-secret-do-not-use-in-production"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "workplace",
    "axes",
    "csp",
    "cms",
    "import_export",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.sites",
    "workplace.apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    # Operators: /health/ (union_site/health.py).
    "health_check",
    # The API documentation page (/api/v1/docs) and its Swagger UI files, served by the site.
    "ninja",
]

MIDDLEWARE = [
    # Operators: first, so every answer carries X-Request-ID (a cached public page included)
    # and every log line of the request names it.
    "union_site.request_logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Stored public pages are served from here, before sessions, auth and the URL resolver.
    "cms.cache.PublicCacheMiddleware",
    "union_site.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that the portal and admin keep the visitor's language.
    "cms.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "workplace.audit.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "union_site.security.SiteCSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one user name from one address lock that pair for 15 minutes;
# other addresses and other user names are not affected.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

ROOT_URLCONF = "union_site.urls"
# A failed CSRF check (usually a form left open too long) gets a page in the site's words.
CSRF_FAILURE_VIEW = "union_site.views.csrf_failure"
WSGI_APPLICATION = "union_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "union_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock instead of failing at once when several requests write.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # Write-ahead logging: a long read (an export being downloaded) no longer keeps
        # every writer waiting, and readers never wait for a writer.
        # SQLite's default page cache is 2 MiB; a national count reads every record table,
        # and groups in temporary trees. A larger cache, memory-mapped reads and temporary
        # trees in memory make that count about a fifth faster.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; "
            "PRAGMA temp_store=MEMORY"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workplace.User"
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"
# Invitation and password-reset links stay valid for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "union_site.redis_cache.SharedClientRedisCache",
            "LOCATION": env("REDIS_URL"),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "udt"),
        }
    }
else:
    # Without Redis the cache is a folder of files, so every web process and every command on
    # this machine (``period unlock`` clearing the public pages) shares it. Several machines
    # need Redis.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        }
    }
# Anonymous visitors get public pages and open data from the cache for this long, unless a
# period is published or unlocked first (see cms/cache.py).
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "600"))

# Background jobs. Wagtail's own small tasks keep running inline ("default"); long jobs (an
# XLSX export of more than 50,000 rows) go to "background", kept in the database and run by
# `python manage.py db_worker`. TASKS_BACKEND=immediate runs them inline too (tests).
_BACKGROUND_BACKEND = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}[env("TASKS_BACKEND", "database")]
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": _BACKGROUND_BACKEND, "QUEUES": ["default"]},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first: officers read Vietnamese; English is the second language.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# dd/mm/yyyy and HH:MM for people in both languages (union_site/formats/).
FORMAT_MODULE_PATH = ["union_site.formats"]
# The Wagtail admin's date pickers and listings use the same formats.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Minutes and agreement texts: never served by the web server, only through the portal.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers and cookies; HTTPS-only settings apply once DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# No script of the site reads the CSRF cookie: forms carry the token, and the Wagtail admin
# reads it from the page.
CSRF_COOKIE_HTTPONLY = True
# HTTPS=false is for the demo `make run` serves over plain HTTP on the loopback address with
# DEBUG off: no redirect to HTTPS, no HSTS, and cookies a plain-HTTP page can set. Never in
# production, where the site is reached over HTTPS only.
HTTPS = env_bool("HTTPS", True)
HTTPS_ONLY = HTTPS and not DEBUG
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS_ONLY
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Operators: a load balancer probes /health/ over plain HTTP on the private network; a redirect
# to HTTPS would read as a failure.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@localhost")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


def site_url(value):
    """SITE_URL checked: http or https, a host, perhaps a port, no path; no trailing slash."""
    parts = urlsplit(value.strip())
    try:
        valid_port = parts.port is None or parts.port > 0
    except ValueError:
        valid_port = False
    if (
        not valid_port
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.path.strip("/")
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"SITE_URL must be the public address of the site, such as "
            f"https://congdoan.example.vn or http://127.0.0.1:8000 (not {value!r})."
        )
    return f"{parts.scheme}://{parts.netloc}"


# The admin's name, as federation staff read it (the admin speaks Vietnamese first).
WAGTAIL_SITE_NAME = "Theo dõi dân chủ ở cơ sở"
# Staff choose between the site's two languages only; no avatars fetched from elsewhere
# (the content security policy would block them); the federation publishes without workflows.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_WORKFLOW_ENABLED = False
# The public address for links sent by e-mail, the sitemap and Wagtail (see site_address.py).
WAGTAILADMIN_BASE_URL = site_url(env("SITE_URL", "http://127.0.0.1:8000"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The English site is a translation of the Vietnamese one in Wagtail's locales: each page has
# an English twin page with its own slug (cms/translations.py); staff make one with the
# admin's "Translate" action.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Operators: logs and error reports -------------------------------------------------------
# One JSON object per line on standard error (time, level, logger, message, and in a request
# request_id, user_id and path: union_site/request_logging.py); LOG_FORMAT=text gives plain
# lines for a developer's terminal.
LOG_FORMAT = env("LOG_FORMAT", "json").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text (not {LOG_FORMAT!r}).")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "union_site.request_logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "union_site.request_logging.json_formatter"},
        "text": {
            "()": "logging.Formatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            "defaults": {"request_id": "-"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Sentry receives the errors only when SENTRY_DSN is set (SENTRY_ENVIRONMENT, SENTRY_RELEASE
# optional); without it the SDK is never started.
init_sentry()
# --- end of Operators: logs and error reports ----------------------------------------------

# --- Backups (django-dbbackup): `manage.py backup` and `manage.py restore` ---------------
# Each backup is a pair of compressed files in BACKUP_DIR, named by the same date and time:
# the database (pg_dump's custom format on PostgreSQL, a copy of the SQLite file) and an
# archive of both folders of uploaded files, MEDIA_ROOT and PRIVATE_MEDIA_ROOT. The folder
# holds password hashes and private documents: keep it off the web server's reach.
INSTALLED_APPS += ["dbbackup"]
BACKUP_DIR = Path(env("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
# The storage reads BACKUP_DIR at each use; dbbackup reads its own settings once, at import.
STORAGES["dbbackup"] = {"BACKEND": "workplace.backup.BackupStorage"}
# `backup --clean` keeps the newest BACKUP_KEEP backups, database files and archives alike.
DBBACKUP_CLEANUP_KEEP = int(env("BACKUP_KEEP", "10"))
DBBACKUP_CLEANUP_KEEP_MEDIA = DBBACKUP_CLEANUP_KEEP
# A SQLite restore goes through SQLite's backup API into the open database rather than
# over its file (the reasons are in workplace/backup.py).
DBBACKUP_CONNECTOR_MAPPING = {
    "django.db.backends.sqlite3": "workplace.backup.SqliteOnlineBackupConnector",
}
# pg_restore gives the restored tables to the restoring role: the role that owned them where
# the backup was made may not exist on the machine it is restored to.
DBBACKUP_CONNECTORS = {"default": {"PG_OPTIONS": "--no-owner"}}
# --- end of backups ----------------------------------------------------------------------
