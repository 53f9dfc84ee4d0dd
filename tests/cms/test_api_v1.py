"""The versioned open-data API at /api/v1/: its schema, envelope, files and errors, the same
bytes as /api/coverage/, and HTTP caching (ETag, 304, Cache-Control) of the open data."""

import csv
import io
import time

import openpyxl
import pandas as pd
import pytest
from django.utils import translation

from cms.api import PeriodList
from cms.field_guide import figure_fields
from cms.views import not_published_message
from workplace import periods as lifecycle
from workplace.indicators import INDICATOR_KEYS, PUBLIC_SECTOR_TABLE, WORKER_TABLE, file_keys

FILES = ("figures", "figures.csv", "figures.xlsx")
OLD_SUFFIX = {"figures": ".json", "figures.csv": ".csv", "figures.xlsx": ".xlsx"}


@pytest.fixture
def periods(make_period, h1_2022, h1_2023):
    make_period("2023", "Năm 2023", "2023-01-01", "2023-12-31", status="locked")
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="open")


def english(text):
    with translation.override("en"):
        return str(text)


# --- the schema ---------------------------------------------------------------------------


def test_the_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) == {
        "/api/v1/periods",
        "/api/v1/periods/{slug}/figures",
        "/api/v1/periods/{slug}/figures.csv",
        "/api/v1/periods/{slug}/figures.xlsx",
    }
    figures = schema["paths"]["/api/v1/periods/{slug}/figures"]["get"]
    (by,) = [parameter for parameter in figures["parameters"] if parameter["name"] == "by"]
    assert by["schema"]["enum"] == ["area", "union_body", "sector"]
    assert "404" in figures["responses"]
    csv_file = schema["paths"]["/api/v1/periods/{slug}/figures.csv"]["get"]
    assert "text/csv" in csv_file["responses"]["200"]["content"]


@pytest.mark.parametrize(
    ("component", "table"),
    [("WorkerFigures", WORKER_TABLE), ("PublicSectorRow", PUBLIC_SECTOR_TABLE)],
)
def test_the_schema_describes_every_figure_from_the_indicator_table(client, component, table):
    properties = client.get("/api/v1/openapi.json").json()["components"]["schemas"][component]
    properties = properties["properties"]
    assert set(table.keys) <= set(properties)
    for field in figure_fields(table):
        description = properties[field.key]["description"]
        assert english(field.meaning) in description, field.key
    conference = properties.get("conference_held") or properties["officials_conference_held"]
    assert "“" in conference["description"]  # it names the indicator's label


def test_the_schema_names_the_links_by_their_kind(client):
    links = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["PeriodLinks"]
    assert set(links["properties"]) == {"json", "csv", "xlsx"}


# --- the answers ----------------------------------------------------------------------------


def test_the_list_is_an_envelope_of_published_periods(client, periods):
    response = client.get("/api/v1/periods")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    listed = response.json()
    PeriodList.model_validate(listed)
    assert listed["count"] == 2
    assert [period["slug"] for period in listed["periods"]] == ["2023-h1", "2022-h1"]
    first = listed["periods"][0]
    assert (first["name"], first["name_en"]) == ("6 tháng đầu năm 2023", "First half of 2023")
    assert (first["start"], first["end"], first["status"]) == (
        "2023-01-01",
        "2023-06-30",
        "published",
    )
    assert first["links"] == {
        "json": "http://testserver/api/v1/periods/2023-h1/figures",
        "csv": "http://testserver/api/v1/periods/2023-h1/figures.csv",
        "xlsx": "http://testserver/api/v1/periods/2023-h1/figures.xlsx",
    }
    for link in first["links"].values():
        assert client.get(link).status_code == 200


@pytest.mark.parametrize("by", ["area", "union_body", "sector"])
def test_the_figures_follow_the_coverage_contract(client, periods, h1_2023, by):
    report = client.get(f"/api/v1/periods/2023-h1/figures?by={by}").json()
    assert set(report) == {"period", "totals", "breakdown", "public_sector"}
    assert report["period"]["slug"] == "2023-h1"
    assert report["period"]["status"] == "published"
    assert set(report["totals"]) == set(INDICATOR_KEYS)
    assert report["breakdown"] == h1_2023.snapshot["breakdowns"][by]


def test_the_breakdown_is_by_area_unless_asked(client, periods):
    by_default = client.get("/api/v1/periods/2023-h1/figures").content
    assert by_default == client.get("/api/v1/periods/2023-h1/figures?by=area").content


def test_pandas_reads_the_csv_as_the_page_shows(client, periods):
    content = client.get("/api/v1/periods/2023-h1/figures.csv?by=area").content
    frame = pd.read_csv(io.BytesIO(content), dtype={"code": str})
    assert list(frame.columns) == ["code", "name", *file_keys()]
    assert list(frame["name"][:2]) == ["Thành phố Lạng Sơn", "Huyện Hữu Lũng"]
    assert frame["conference_held"].iloc[-1] == 95


@pytest.mark.parametrize("file", FILES)
@pytest.mark.parametrize("by", ["", "?by=area", "?by=union_body", "?by=sector"])
def test_the_old_addresses_answer_the_same_bytes(client, periods, file, by):
    new = client.get(f"/api/v1/periods/2023-h1/{file}{by}")
    old = client.get(f"/api/coverage/2023-h1{OLD_SUFFIX[file]}{by}")
    assert new.status_code == old.status_code == 200
    assert new.content == old.content
    for header in ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin"):
        assert new.get(header) == old.get(header), header


def test_a_workbook_is_the_same_bytes_whenever_it_is_made(client, periods, h1_2023):
    from cms.cache import clear_public_cache

    first = client.get("/api/v1/periods/2023-h1/figures.xlsx").content
    time.sleep(1.1)  # openpyxl stamps the second of writing
    clear_public_cache()
    second = client.get("/api/v1/periods/2023-h1/figures.xlsx")
    assert second["X-Public-Cache"] == "miss"
    assert second.content == first
    book = openpyxl.load_workbook(io.BytesIO(first), read_only=True)
    assert book.properties.created == h1_2023.published_at.replace(microsecond=0, tzinfo=None)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("code", "name", "units")
    assert rows[-1][2] == 141


def test_the_csv_has_a_row_per_area_and_a_total(client, periods):
    response = client.get("/api/v1/periods/2023-h1/figures.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="coverage-2023-h1-area.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1]["code"] == ""
    assert rows[-1]["units"] == "141"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("file", FILES)
def test_a_bad_breakdown_is_a_422_that_names_the_parameter(client, periods, file):
    response = client.get(f"/api/v1/periods/2023-h1/{file}?by=nothing")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "by"]
    assert "X-Public-Cache" not in response


@pytest.mark.parametrize("slug", ["2023", "2024-h1", "nowhere"])
@pytest.mark.parametrize("file", FILES)
def test_a_period_that_is_not_published_is_a_404(client, periods, slug, file):
    response = client.get(f"/api/v1/periods/{slug}/{file}")
    assert response.status_code == 404
    with translation.override("vi"):
        assert response.json() == {"detail": not_published_message(slug)}
    assert b"conference" not in response.content
    assert "public" not in response.get("Cache-Control", "")


def test_the_list_never_names_an_unpublished_period(client, periods):
    listed = client.get("/api/v1/periods").content.decode()
    assert "2024-h1" not in listed and '"2023"' not in listed


# --- HTTP caching ---------------------------------------------------------------------------

CACHED_URLS = [
    "/api/v1/periods",
    "/api/v1/periods/2023-h1/figures",
    "/api/v1/periods/2023-h1/figures.csv?by=sector",
    "/api/v1/periods/2023-h1/figures.xlsx",
    "/api/coverage/",
    "/api/coverage/2023-h1.json",
    "/api/coverage/2023-h1.csv",
    "/developers/",
    "/en/developers/",
    "/",
]


@pytest.mark.parametrize("url", CACHED_URLS)
def test_an_unchanged_answer_is_a_304(client, home, periods, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    second = client.get(url)  # a stored copy now
    assert second["X-Public-Cache"] == "hit"
    assert second["ETag"] == etag
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("url", CACHED_URLS[:3])
def test_a_304_also_before_anything_is_stored(client, home, periods, url):
    etag = client.get(url)["ETag"]
    client.get("/api/v1/periods")
    from cms.cache import clear_public_cache

    clear_public_cache()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_figures_carry_their_publication_as_last_modified(client, periods, h1_2023):
    response = client.get("/api/v1/periods/2023-h1/figures")
    last_modified = response["Last-Modified"]
    assert last_modified.endswith("GMT")
    again = client.get(
        "/api/v1/periods/2023-h1/figures", headers={"If-Modified-Since": last_modified}
    )
    assert again.status_code == 304


def test_a_period_published_again_has_a_new_etag(
    client, periods, h1_2023, django_capture_on_commit_callbacks
):
    url = "/api/v1/periods/2023-h1/figures.csv"
    etag = client.get(url)["ETag"]
    assert client.get(url)["ETag"] == etag
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.unlock(h1_2023, "Sửa số liệu")
    gone = client.get(url, headers={"If-None-Match": etag})
    assert gone.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(h1_2023)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag
    assert client.get(url, headers={"If-None-Match": again["ETag"]}).status_code == 304


def test_signed_in_visitors_get_private_answers(client, home, periods, make_user):
    client.force_login(make_user("staff", role="federation"))
    for url in ("/api/v1/periods/2023-h1/figures", "/api/coverage/2023-h1.json", "/developers/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" not in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_the_portal_and_the_admin_are_never_public(client, make_user):
    for url in ("/portal/login/", "/admin/login/"):
        assert "public" not in client.get(url).get("Cache-Control", "")


def test_the_browser_keeps_a_copy_no_longer_than_the_server(client, periods):
    from cms.cache import BROWSER_SECONDS, TIMEOUT

    cache_control = client.get("/api/v1/periods")["Cache-Control"]
    assert f"max-age={BROWSER_SECONDS}" in cache_control
    assert BROWSER_SECONDS <= TIMEOUT


# --- the documentation page -----------------------------------------------------------------


def test_the_docs_page_uses_the_sites_own_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui-init.js" in page
    assert "cdn" not in page.lower()
    assert "/api/v1/openapi.json" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
