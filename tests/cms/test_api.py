"""Open data: /api/coverage/ lists published periods; .json and .csv per period."""

import csv
import io

import pytest

from workplace.indicators import INDICATOR_KEYS, file_keys


@pytest.fixture
def periods(make_period, h1_2022, h1_2023):
    make_period("2023", "Năm 2023", "2023-01-01", "2023-12-31", status="locked")
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="open")


def test_the_list_holds_published_periods_with_links(client, periods):
    response = client.get("/api/coverage/")
    assert response.status_code == 200
    listed = response.json()
    assert [item["slug"] for item in listed] == ["2023-h1", "2022-h1"]
    first = listed[0]
    assert first["name"] == "6 tháng đầu năm 2023"
    assert first["name_en"] == "First half of 2023"
    assert (first["start"], first["end"], first["min_members"]) == ("2023-01-01", "2023-06-30", 10)
    assert first["json"] == "http://testserver/api/coverage/2023-h1.json"
    assert first["csv"] == "http://testserver/api/coverage/2023-h1.csv"
    assert client.get(first["xlsx"]).status_code == 200


def test_json_follows_the_coverage_contract(client, periods, h1_2023):
    report = client.get("/api/coverage/2023-h1.json").json()
    assert set(report) == {"period", "totals", "breakdown", "public_sector"}
    assert report["period"] == {
        "slug": "2023-h1",
        "name": "6 tháng đầu năm 2023",
        "start": "2023-01-01",
        "end": "2023-06-30",
        "min_members": 10,
        "status": "published",
    }
    assert set(report["totals"]) == set(INDICATOR_KEYS)
    assert report["totals"]["conference_rate"] == 91.3
    assert [row["code"] for row in report["breakdown"]] == ["178", "186"]
    # An area row frozen since areas have eras names its map too (a code may name two areas).
    assert all(
        set(row) - {"era"} == {"code", "name", *INDICATOR_KEYS} for row in report["breakdown"]
    )


def test_json_takes_another_breakdown(client, periods, h1_2023):
    report = client.get("/api/coverage/2023-h1.json?by=sector").json()
    assert report["breakdown"] == h1_2023.snapshot["breakdowns"]["sector"]
    assert client.get("/api/coverage/2023-h1.json?by=nothing").status_code == 404


def test_csv_has_a_row_per_area_and_a_total(client, periods):
    response = client.get("/api/coverage/2023-h1.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["code", "name", *file_keys()]
    assert [row["name"] for row in rows[:2]] == ["Thành phố Lạng Sơn", "Huyện Hữu Lũng"]
    assert rows[-1]["code"] == ""
    assert (rows[-1]["units"], rows[-1]["conference_held"], rows[-1]["dialogues"]) == (
        "141",
        "95",
        "132",
    )


@pytest.mark.parametrize("slug", ["2023", "2024-h1", "nowhere"])
@pytest.mark.parametrize("suffix", [".json", ".csv", ".xlsx"])
def test_unpublished_or_unknown_periods_are_404(client, periods, slug, suffix):
    assert client.get(f"/api/coverage/{slug}{suffix}").status_code == 404
