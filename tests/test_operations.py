"""Settings an operator relies on: DEBUG off unless asked for, Sentry only with a DSN."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

from sentry_sdk.integrations.django import DjangoIntegration

from union_site.error_reporting import init_sentry

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import sentry_sdk; from django.conf import settings; "
    "print(settings.DEBUG, sentry_sdk.is_initialized())"
)


def shown_by_a_fresh_process(**env):
    """DEBUG and whether Sentry started, in a process with only the given variables set."""
    unset = ("DEBUG", "SECRET_KEY", "SENTRY_DSN", "DJANGO_SETTINGS_MODULE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    result = subprocess.run(  # noqa: S603 - fixed arguments, the project's own manage.py
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-2:]


def test_debug_is_off_and_sentry_idle_when_nothing_asks_for_them():
    assert shown_by_a_fresh_process(SECRET_KEY=secrets.token_urlsafe(50)) == ["False", "False"]


def test_a_checkout_with_nothing_set_runs_its_commands_as_development():
    assert shown_by_a_fresh_process() == ["True", "False"]


def test_the_web_server_with_nothing_set_refuses_to_start():
    unset = ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", "import union_site.wsgi"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in unset},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_and_sentry_start_when_asked():
    shown = shown_by_a_fresh_process(
        DEBUG="true", SENTRY_DSN="https://public@sentry.example.invalid/1"
    )
    assert shown == ["True", "True"]


def test_without_a_dsn_sentry_is_never_started():
    with mock.patch("sentry_sdk.init") as init:
        assert init_sentry({"SENTRY_ENVIRONMENT": "production"}) is False
        assert init_sentry({"SENTRY_DSN": "  "}) is False
    init.assert_not_called()


def test_with_a_dsn_sentry_starts_with_django_and_without_personal_data():
    environ = {
        "SENTRY_DSN": "https://public@sentry.example.invalid/1",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_RELEASE": "2026.12.1",
    }
    with mock.patch("sentry_sdk.init") as init:
        assert init_sentry(environ) is True
    [call] = init.call_args_list
    assert call.kwargs["dsn"] == environ["SENTRY_DSN"]
    assert call.kwargs["send_default_pii"] is False
    # Nor request bodies, nor the values a view held when it failed.
    assert call.kwargs["max_request_body_size"] == "never"
    assert call.kwargs["include_local_variables"] is False
    assert (call.kwargs["environment"], call.kwargs["release"]) == ("staging", "2026.12.1")
    assert any(isinstance(i, DjangoIntegration) for i in call.kwargs["integrations"])


def test_environment_and_release_are_left_to_sentry_when_unset():
    with mock.patch("sentry_sdk.init") as init:
        init_sentry({"SENTRY_DSN": "https://public@sentry.example.invalid/1"})
    assert (init.call_args.kwargs["environment"], init.call_args.kwargs["release"]) == (None, None)
