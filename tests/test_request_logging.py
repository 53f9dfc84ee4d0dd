"""Log lines as JSON, each naming its request; the request id in the ``X-Request-ID`` header."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.utils.functional import SimpleLazyObject

from union_site.request_logging import (
    RequestContextFilter,
    RequestIdMiddleware,
    json_formatter,
    request_id_from,
)

ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger("union_site.tests")


@pytest.fixture
def log_lines():
    """Records of ``logger`` as the site's console handler writes them, one JSON per line."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(json_formatter())
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


def logging_view(request):
    logger.warning("Đã nhận yêu cầu")
    return HttpResponse("ok")


def test_a_line_in_a_request_names_the_request_the_user_and_the_path(
    rf, log_lines, django_user_model, db
):
    user = django_user_model.objects.create_user("can_bo", password="x")
    request = rf.get("/portal/units/?q=secret", HTTP_X_REQUEST_ID="lb-1234-abcd")
    request.user = user
    response = RequestIdMiddleware(logging_view)(request)
    assert response["X-Request-ID"] == "lb-1234-abcd"
    [line] = log_lines()
    assert line["level"] == "WARNING"
    assert line["logger"] == "union_site.tests"
    assert line["message"] == "Đã nhận yêu cầu"
    assert line["time"].endswith("+00:00")
    assert (line["request_id"], line["user_id"], line["path"]) == (
        "lb-1234-abcd",
        user.pk,
        "/portal/units/",
    )
    assert "secret" not in json.dumps(line)


def test_a_line_outside_a_request_has_no_request_fields(log_lines):
    logger.warning("from a command")
    [line] = log_lines()
    assert {"time", "level", "logger", "message"} <= set(line)
    assert not {"request_id", "user_id", "path"} & set(line)


def test_logging_never_loads_the_user_itself(rf, log_lines):
    def unreadable():
        raise AssertionError("the log filter must not read the user")

    request = rf.get("/")
    request.user = SimpleLazyObject(unreadable)
    RequestIdMiddleware(logging_view)(request)
    [line] = log_lines()
    assert line["user_id"] is None
    assert line["path"] == "/"


def test_the_request_fields_do_not_outlive_the_request(rf, log_lines):
    RequestIdMiddleware(logging_view)(rf.get("/"))
    logger.warning("after")
    assert "request_id" not in log_lines()[-1]


@pytest.mark.parametrize(
    "incoming",
    [None, "", "has space", 'quote"d', "x" * 200, "-leading-dash", "newline\ninjected"],
)
def test_an_insane_incoming_id_is_replaced(incoming):
    generated = request_id_from(incoming)
    assert generated != incoming
    assert len(generated) == 32 and int(generated, 16) >= 0


def test_every_answer_carries_a_fresh_request_id(client, db):
    first = client.get("/health/", HTTP_ACCEPT="application/json")["X-Request-ID"]
    second = client.get("/health/", HTTP_ACCEPT="application/json")["X-Request-ID"]
    assert first != second
    echoed = client.get("/health/", HTTP_ACCEPT="application/json", HTTP_X_REQUEST_ID="abc-123")
    assert echoed["X-Request-ID"] == "abc-123"


def log_from_a_command(**env):
    environment = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    environment.update(env)
    code = "import logging; logging.getLogger('workplace').warning('một dòng')"
    return subprocess.run(  # noqa: S603 - fixed arguments, the project's own manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_site_logs_json_lines_by_default_and_text_when_asked():
    result = log_from_a_command()
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == ("WARNING", "workplace", "một dòng")
    text = log_from_a_command(LOG_FORMAT="text")
    assert text.stderr.strip().splitlines()[-1].endswith("WARNING workplace [-] một dòng")
