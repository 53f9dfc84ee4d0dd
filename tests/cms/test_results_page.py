"""A results page: headline, chart, table by area, methodology and downloads."""

import csv
import io
import json
import re

import openpyxl

from cms.translations import translation_in
from workplace.indicators import file_keys, flat_row


def test_results_page_shows_the_headline_figures(client, make_results_page, h1_2023):
    html = client.get(make_results_page(h1_2023).url).content.decode()
    assert "95/104 (91,3%)" in html
    assert "97/104 (93,3%)" in html
    assert html.count("<h1>") == 1


def test_results_page_draws_an_accessible_svg_chart(client, make_results_page, h1_2023):
    html = client.get(make_results_page(h1_2023).url).content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert re.search(rf'<title id="{labelled_by[0]}">[^<]+</title>', svg)
    assert all(f'id="{part}"' in svg for part in labelled_by)
    # One bar per area and rate, proportional to the rate: 89.3% of 290 units of width.
    assert svg.count("<rect") == 2 + 2 * 2
    assert 'width="259.0"' in svg
    # The text equivalent lists every bar's value.
    assert "Thành phố Lạng Sơn; " in html and "89,3%" in html


def test_results_page_has_a_marked_up_table_by_area(client, make_results_page, h1_2023):
    html = client.get(make_results_page(h1_2023).url).content.decode()
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert "<caption>" in table
    assert table.count('<th scope="col">') == 7
    assert '<th scope="row">Thành phố Lạng Sơn</th>' in table
    assert '<th scope="row">Huyện Hữu Lũng</th>' in table
    assert "25/28 (89,3%)" in table and "70/76 (92,1%)" in table


def test_methodology_is_written_from_the_period_rules(client, make_period, make_results_page):
    period = make_period(
        "2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", min_members=12
    )
    page = make_results_page(period)
    html = client.get(translation_in(page, "en").url).content.decode()
    assert "at least 12 union members" in html
    # Dates for people are dd/mm/yyyy on the English pages too.
    assert "from 01/01/2024 to 30/06/2024" in html
    assert "in effect on 30/06/2024" in html
    assert "June" not in html


def _download(client, html, kind):
    url = re.search(rf'href="([^"]+\.{kind})"', html).group(1)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_downloads_parse_and_equal_the_snapshot(client, make_results_page, h1_2023):
    snapshot = h1_2023.snapshot
    html = client.get(make_results_page(h1_2023).url).content.decode()

    data = json.loads(_download(client, html, "json").content)
    assert data["totals"] == snapshot["totals"]
    assert data["breakdown"] == snapshot["breakdowns"]["area"]

    text = _download(client, html, "csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["code"] for row in rows] == ["178", "186", ""]
    for row, expected in zip(
        rows, [*snapshot["breakdowns"]["area"], snapshot["totals"]], strict=True
    ):
        assert int(row["eligible"]) == expected["eligible"]
        assert float(row["conference_rate"]) == expected["conference_rate"]
        assert int(row["dialogues"]) == expected["dialogues"]

    book = openpyxl.load_workbook(io.BytesIO(_download(client, html, "xlsx").content))
    header, *lines = list(book.active.iter_rows(values_only=True))
    assert list(header) == ["code", "name", *file_keys()]
    assert [dict(zip(header, line, strict=True)) for line in lines[:-1]] == [
        flat_row(row) for row in snapshot["breakdowns"]["area"]
    ]
    assert dict(zip(header[2:], lines[-1][2:], strict=True)) == flat_row(snapshot["totals"])
