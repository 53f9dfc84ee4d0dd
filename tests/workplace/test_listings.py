"""A list's columns, written once, drive its page table and its export alike."""

import datetime

from django.utils import translation

from workplace.listings import Column, Columns

COLUMNS = Columns(
    Column("Code", lambda row: row["code"]),
    Column("Name", lambda row: row["name"], page_heading="Unit", heads_row=True),
    Column("Signed on", lambda row: row["signed"], blank="Not yet"),
    Column(
        "Reasons", lambda row: row["reasons"], list_class="shortfalls", blank="—"
    ).only_in_file(),
    Column("Status", cell=lambda row: "<b>ok</b>", in_file=False),
    Column("Days", lambda row: row["days"], numeric=True),
)
ROWS = [
    {
        "code": "1",
        "name": "A & B",
        "signed": datetime.date(2024, 3, 5),
        "reasons": ["x", "y"],
        "days": 0,
    },
    {"code": "2", "name": "C", "signed": None, "reasons": [], "days": 12},
]


def test_the_page_puts_the_row_heading_first_and_shows_values_for_people():
    with translation.override("vi"):
        table = COLUMNS.table(ROWS)
    assert [c.shown_heading for c in table["columns"]] == [
        "Unit",
        "Code",
        "Signed on",
        "Status",
        "Days",
    ]
    first, second = ([cell.html for cell in cells] for cells in table["rows"])
    assert first == ["A &amp; B", "1", "05/03/2024", "<b>ok</b>", "0"]
    assert second[2] == "Not yet"
    assert [c.classes for c in table["columns"]] == ["", "", "", "", "num"]


def test_the_export_keeps_the_file_order_and_typed_values():
    assert list(COLUMNS.file_rows(ROWS)) == [
        ["Code", "Name", "Signed on", "Reasons", "Days"],
        ["1", "A & B", datetime.date(2024, 3, 5), "x y", 0],
        ["2", "C", None, "", 12],
    ]


def test_a_list_value_is_a_bulleted_list_on_the_page():
    column = Column("Reasons", lambda row: row["reasons"], list_class="shortfalls", blank="—")
    assert column.page_html(ROWS[0]) == '<ul class="shortfalls"><li>x</li><li>y</li></ul>'
    assert column.page_html(ROWS[1]) == "—"
