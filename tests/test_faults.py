"""Faults: the database out of reach, an import that breaks half-way."""

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from union_site.middleware import DatabaseUnavailableMiddleware
from workplace import resources, spreadsheets
from workplace.models import Area, Enterprise, HeadcountDeclaration, UnionBody

PLAIN_MESSAGE = "Please try again in a few minutes."


@pytest.fixture
def database_down(db, monkeypatch):
    """Every new query fails as if the server had gone away; undone before the test's
    transaction is rolled back."""

    def unreachable():
        raise OperationalError("could not connect to server: Connection refused")

    def take_down():
        cache.clear()
        monkeypatch.setattr(connection, "ensure_connection", unreachable)

    yield take_down
    monkeypatch.undo()


def assert_plain_503(response):
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    text = response.content.decode()
    assert any(message_in(text, language) for language in ("vi", "en"))
    for leak in ("Traceback", "OperationalError", "Connection refused", "ensure_connection"):
        assert leak not in text


def message_in(text, language):
    with translation.override(language):
        return translation.gettext(PLAIN_MESSAGE) in text


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("path", ["/en/", "/en/search/?q=x", "/api/coverage/"])
def test_public_pages_and_api_answer_503(settings, english, database_down, path):
    settings.DEBUG = True
    database_down()
    assert_plain_503(english.get(path))


def test_portal_answers_503_and_keeps_the_visitor_signed_in(settings, client, make_user):
    settings.DEBUG = True
    client.cookies["django_language"] = "en"
    client.force_login(make_user("officer_down"))
    with pytest.MonkeyPatch.context() as patch:

        def unreachable():
            raise OperationalError("server closed the connection unexpectedly")

        patch.setattr(connection, "ensure_connection", unreachable)
        response = client.get("/portal/")
    assert_plain_503(response)
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_admin_answers_503(settings, client, make_user, database_down):
    settings.DEBUG = True
    client.cookies["django_language"] = "en"
    client.force_login(make_user("staff_down", role="federation"))
    database_down()
    assert_plain_503(client.get("/admin/"))


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_an_error_outside_any_view_is_a_503_too(rf, error):
    def broken(request):
        raise error("connection already closed")

    response = DatabaseUnavailableMiddleware(broken)(rf.get("/"))
    assert_plain_503(response)


def test_other_errors_are_left_alone(rf):
    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))
    assert middleware.process_exception(HttpRequest(), ValueError("boom")) is None
    assert middleware(rf.get("/")).content == b"ok"


# An import that breaks at row N writes nothing.

AREAS = [
    ["code", "name", "kind", "parent_code"],
    ["20", "Tỉnh Lạng Sơn", "province", ""],
    ["186", "Huyện Hữu Lũng", "district", "20"],
    ["178", "Thành phố Lạng Sơn", "district", "20"],
    ["06250", "Thị trấn Hữu Lũng", "commune", "186"],
]


def fail_at_row(monkeypatch, resource_class, row):
    """Raise a plain error (not a validation error) when the ``row``-th instance is saved."""
    calls = {"count": 0}
    original = resource_class.before_save_instance

    def before_save_instance(self, instance, data_row, **kwargs):
        calls["count"] += 1
        if calls["count"] == row:
            raise RuntimeError("disk full")
        return original(self, instance, data_row, **kwargs)

    monkeypatch.setattr(resource_class, "before_save_instance", before_save_instance)
    return calls


@pytest.mark.parametrize("row", [1, 3, 4])
def test_import_rows_failing_at_row_n_writes_nothing(db, monkeypatch, row):
    calls = fail_at_row(monkeypatch, spreadsheets.RESOURCES["areas"], row)
    with translation.override("en"):
        outcome = spreadsheets.import_rows("areas", AREAS)
    assert calls["count"] >= row
    assert not Area.objects.exists()
    assert not outcome.written
    # Reported against the spreadsheet's row (the header is row 1); rows below a failed
    # parent may add their own errors.
    assert (outcome.errors[0].row, outcome.errors[0].message) == (row + 1, "disk full")


def test_import_command_failing_part_way_writes_nothing(db, monkeypatch, tmp_path, province):
    path = tmp_path / "enterprises.csv"
    rows = [
        "tax_code,name,sector,area_code,union_body_code,union_established_on",
        *(f"490000{n:04d},Công ty {n},non_state,186,LDLD-186,2015-01-01" for n in range(1, 9)),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = (Enterprise.objects.count(), HeadcountDeclaration.objects.count())
    fail_at_row(monkeypatch, spreadsheets.RESOURCES["enterprises"], 5)
    stderr = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_records", "enterprises", str(path), stderr=stderr)
    message = str(raised.value)
    assert "nothing was imported" in message
    assert "Row 6" in stderr.getvalue() and "disk full" in stderr.getvalue()
    assert "Traceback" not in message + stderr.getvalue()
    assert (Enterprise.objects.count(), HeadcountDeclaration.objects.count()) == before
    assert UnionBody.objects.filter(code="LDLD-186").exists()


def test_resources_module_is_the_one_the_importer_uses():
    assert spreadsheets.RESOURCES is resources.RESOURCES
