"""Production settings, security headers, the content security policy and login throttling."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "HTTPS")}
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, the project's own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="congdoan.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plain_http_demo_switch_drops_only_what_needs_https():
    """`make run` serves DEBUG off over plain HTTP on loopback: HTTPS=false."""
    shown = (
        "from django.conf import settings as s; print(s.DEBUG, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS)"
    )
    common = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50)}
    demo = manage("shell", "-c", shown, HTTPS="false", **common)
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.split()[-7:] == ["False", "False", "0", "False", "False", "True", "DENY"]
    production = manage("shell", "-c", shown, **common)
    assert production.stdout.split()[-7:] == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "DENY",
    ]


def test_production_without_a_secret_refuses_to_start_with_a_clear_error():
    result = manage("check", DEBUG="false", ALLOWED_HOSTS="congdoan.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("path", ["/", "/portal/login/", "/api/coverage/"])
def test_every_page_carries_the_security_headers(client, db, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


def test_the_admin_policy_only_adds_inline_scripts(client, db):
    policy = client.get("/admin/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" in policy.split("script-src")[1].split(";")[0]


# --- login throttling --------------------------------------------------------------------


def attempt(client, username, password="wrong-password", address="10.1.1.1"):
    return client.post(
        reverse("portal:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failures_lock_that_user_name_from_that_address(client, make_user):
    make_user("canbo.a")
    for _ in range(5):
        attempt(client, "canbo.a")
    locked = attempt(client, "canbo.a", password="pass-1234-word")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address, and another user name from the same address, are unaffected.
    make_user("canbo.b")
    assert attempt(client, "canbo.b", password="pass-1234-word").status_code == 302
    client.logout()
    other = attempt(client, "canbo.a", password="pass-1234-word", address="10.9.9.9")
    assert other.status_code == 302


def test_four_failures_do_not_lock(client, make_user):
    make_user("canbo.c")
    for _ in range(4):
        attempt(client, "canbo.c")
    assert attempt(client, "canbo.c", password="pass-1234-word").status_code == 302


def test_messages_never_reveal_whether_an_account_exists(client, make_user):
    make_user("canbo.d")
    known = attempt(client, "canbo.d", address="10.2.2.2")
    unknown = attempt(client, "khong.co.ai", address="10.2.2.2")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors
    for _ in range(5):
        attempt(client, "canbo.d", address="10.3.3.3")
        attempt(client, "khong.co.ai", address="10.3.3.3")
    locked_known = attempt(client, "canbo.d", address="10.3.3.3")
    locked_unknown = attempt(client, "khong.co.ai", address="10.3.3.3")
    assert locked_known.status_code == locked_unknown.status_code == 429
    assert without_tokens(locked_known) == without_tokens(locked_unknown)


def without_tokens(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
