"""Long commands draw a progress line on a terminal, and write nothing of it anywhere else."""

import io

import pytest
from django.core.management import call_command

from workplace.progress import progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_line_is_drawn_on_a_terminal():
    terminal = Terminal()
    assert list(progress(range(3), total=3, desc="rows", stream=terminal)) == [0, 1, 2]
    drawn = terminal.getvalue()
    assert "\r" in drawn
    assert "rows" in drawn and "3/3" in drawn


def test_nothing_is_written_when_not_on_a_terminal():
    log = io.StringIO()
    assert list(progress(range(3), total=3, desc="rows", stream=log)) == [0, 1, 2]
    assert log.getvalue() == ""


def run(*args, stderr):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=stderr)
    return out.getvalue()


@pytest.fixture
def exported(province, tmp_path):
    path = tmp_path / "areas.csv"
    run("export_records", "areas", str(path), stderr=io.StringIO())
    return path


@pytest.mark.parametrize(("stream", "shown"), [(Terminal, True), (io.StringIO, False)])
def test_export_records_shows_its_rows_on_a_terminal_only(province, tmp_path, stream, shown):
    stderr = stream()
    run("export_records", "areas", str(tmp_path / "areas.xlsx"), stderr=stderr)
    assert (tmp_path / "areas.xlsx").exists()
    assert ("areas: 100%" in stderr.getvalue()) is shown
    assert ("5/5" in stderr.getvalue()) is shown  # the header and four areas


@pytest.mark.parametrize(("stream", "shown"), [(Terminal, True), (io.StringIO, False)])
def test_import_records_shows_its_steps_on_a_terminal_only(exported, stream, shown):
    stderr = stream()
    summary = run("import_records", "areas", str(exported), "--dry-run", stderr=stderr)
    assert "dry run" in summary
    assert ("Importing 4 rows of areas" in stderr.getvalue()) is shown
    assert "Importing" not in summary


@pytest.mark.parametrize(("stream", "shown"), [(Terminal, True), (io.StringIO, False)])
def test_generate_demo_shows_its_units_on_a_terminal_only(db, stream, shown):
    stderr = stream()
    summary = run("generate_demo", "--units", "30", stderr=stderr)
    assert summary.startswith("30 units")
    assert ("30/30" in stderr.getvalue()) is shown
