"""Every admin listing's own CSV and XLSX download goes through the application's safe writer."""

import codecs
import io

import openpyxl
import pytest
from django.urls import reverse

FORMULA = '=HYPERLINK("http://example.org","x")'
LISTINGS = [
    "enterprises:index",
    "headcounts:index",
    "audit:index",
    "import_log:index",
    "periods:index",
]


@pytest.fixture
def staff_client(client, scope):
    client.force_login(scope["staff"])
    return client


@pytest.fixture
def formula_name(scope):
    unit = scope["unit_a"]
    unit.name = FORMULA
    unit.save()
    return unit


def listing_urls():
    return [reverse(name) for name in LISTINGS]


@pytest.mark.parametrize("name", ["enterprises:index", "audit:index"])
def test_a_csv_listing_export_has_a_bom_and_defuses_formulas(staff_client, formula_name, name):
    response = staff_client.get(reverse(name), {"export": "csv"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert "'" + FORMULA.replace('"', '""') in text or "'" + FORMULA in text
    assert "\n" + FORMULA not in text and "," + FORMULA not in text


def test_an_xlsx_listing_export_holds_text_never_a_formula(staff_client, formula_name):
    response = staff_client.get(reverse("enterprises:index"), {"export": "xlsx"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "'" + FORMULA in [cell.value for cell in cells]


def test_every_listing_exports_in_both_formats(staff_client, scope):
    for url in listing_urls():
        for fmt in ("csv", "xlsx"):
            response = staff_client.get(url, {"export": fmt})
            assert response.status_code == 200, (url, fmt)
            data = b"".join(response.streaming_content)
            if fmt == "csv":
                assert data.startswith(codecs.BOM_UTF8), url
