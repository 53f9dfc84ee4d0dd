"""The demo province, loaded through the real importer, gives the seed report's figures."""

import io
import json

from django.core.management import call_command

from workplace.models import Dialogue, Enterprise, HeadcountDeclaration, ReportingPeriod


def coverage_json(slug, *extra):
    out = io.StringIO()
    call_command("coverage", slug, "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_demo_reproduces_the_seed_report_and_loads_again_without_change(db):
    call_command("load_demo", stdout=io.StringIO())
    report = coverage_json("2023-h1")
    totals = report["totals"]
    assert report["period"]["status"] == "published"
    assert (totals["units"], totals["eligible"]) == (141, 104)
    assert (totals["conference_held"], totals["conference_rate"]) == (95, 91.3)
    assert (totals["agreement_in_force"], totals["agreement_rate"]) == (97, 93.3)
    assert totals["dialogues"] == 132
    # Lạng Sơn's city and its 10 districts, each holding units.
    assert len(report["breakdown"]) == 11
    assert sum(row["units"] for row in report["breakdown"]) == 141
    assert coverage_json("2023-h1", "--live")["totals"] == totals

    counts = (
        Enterprise.objects.count(),
        HeadcountDeclaration.objects.count(),
        Dialogue.objects.count(),
    )
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    summaries = [line for line in out.getvalue().splitlines() if "dòng" in line]
    assert len(summaries) == 9
    assert all("— 0 mới, 0 cập nhật" in line for line in summaries)
    assert (
        Enterprise.objects.count(),
        HeadcountDeclaration.objects.count(),
        Dialogue.objects.count(),
    ) == counts
    assert coverage_json("2023-h1")["totals"] == totals


def test_demo_other_periods_are_open_and_plausible(db):
    call_command("load_demo", stdout=io.StringIO())
    for slug in ("2022-h1", "2022", "2023"):
        report = coverage_json(slug)
        totals = report["totals"]
        assert report["period"]["status"] == "open"
        assert 120 <= totals["units"] <= 150
        assert 0 < totals["conference_held"] <= totals["eligible"] < totals["units"]
        assert 0 < totals["agreement_in_force"] <= totals["eligible"]
    assert ReportingPeriod.objects.get(slug="2023").status == "open"
