"""The report writer: a draft article in Vietnamese and English from a frozen snapshot."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cms.admin_views import WriteReportView
from cms.models import ArticlePage
from cms.report_writer import report_content
from cms.translations import translation_in

URL = "/admin/reports/write/{}/"


@pytest.fixture
def staff_client(client, make_user):
    client.force_login(make_user("staff", role="federation"))
    return client


def texts(stream):
    return " ".join(str(block.value) for block in stream if block.block_type == "paragraph")


def test_the_url_names_are_stable():
    assert reverse("write_report", args=["2023-h1"]) == URL.format("2023-h1")
    assert reverse("report_writer") == "/admin/reports/write/"


def test_writing_the_report_creates_a_draft_with_the_snapshot_figures(staff_client, home, h1_2023):
    response = staff_client.post(URL.format("2023-h1"))
    article = ArticlePage.objects.get(locale__language_code="vi")
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    assert not article.live
    assert article.get_parent().pk == home.pk
    assert article.source_period_id == h1_2023.pk
    assert article.latest_revision is not None
    assert (
        article.title == "Kết quả thực hiện dân chủ ở cơ sở tại nơi làm việc 6 tháng đầu năm 2023"
    )
    translated = translation_in(article, "en")
    assert translated.title == "Workplace democracy results for the first half of 2023"
    assert (translated.slug, translated.live) == ("report-2023-h1", False)
    assert translated.source_period_id == h1_2023.pk
    assert translated.latest_revision is not None

    vietnamese = texts(article.body)
    assert "toàn tỉnh có 141 công đoàn cơ sở" in vietnamese
    assert "104 đơn vị thuộc diện phải tổ chức hội nghị người lao động" in vietnamese
    assert "95/104 đơn vị (91,3%) đã tổ chức hội nghị người lao động" in vietnamese
    assert "97/104 đơn vị (93,3%) có thỏa ước lao động tập thể" in vietnamese
    assert "132 cuộc đối thoại" in vietnamese
    assert "100 cuộc đối thoại định kỳ và 32 cuộc đối thoại đột xuất" in vietnamese
    assert "Chưa có số liệu cùng kỳ năm trước" in vietnamese

    english = texts(translated.body)
    assert "the province had 141 grassroots unions" in english
    assert "104 units had to hold a worker conference" in english
    assert "95/104 units (91.3%) held a worker conference" in english
    assert "97/104 units (93.3%) had a collective agreement in force" in english
    assert "132 dialogues at the workplace, 100 periodic and 32 ad hoc" in english

    kinds = [block.block_type for block in article.body]
    assert {"figure", "chart", "coverage_table"} <= set(kinds)
    assert all(
        block.value["period"].pk == h1_2023.pk
        for block in article.body
        if block.block_type != "paragraph"
    )


def test_the_report_states_the_change_against_a_year_earlier(make_period, h1_2023):
    from .conftest import AREAS_2022_H1

    earlier = make_period(
        "2022-h1",
        "6 tháng đầu năm 2022",
        "2022-01-01",
        "2022-06-30",
        areas=AREAS_2022_H1,
        status="published",
    )
    content = report_content(h1_2023)
    assert content["compared_period"] == earlier
    vietnamese = " ".join(str(block["value"]) for block in content["body"])
    english = " ".join(str(block["value"]) for block in content["body_en"])
    assert (
        "So với 6 tháng đầu năm 2022, tỷ lệ đơn vị tổ chức hội nghị người lao động tăng 3,5 "
        "điểm phần trăm (từ 87,8% lên 91,3%)"
    ) in vietnamese
    assert "tăng 1,5 điểm phần trăm (từ 91,8% lên 93,3%)" in vietnamese
    assert "số cuộc đối thoại tăng 22 (từ 110 lên 132)" in vietnamese
    assert (
        "Compared with the first half of 2022, the share of units that held a worker "
        "conference rose by 3.5 percentage points (from 87.8% to 91.3%)"
    ) in english


def test_the_report_ignores_other_kinds_of_period(make_period, h1_2023):
    make_period("2022", "Năm 2022", "2022-01-01", "2022-12-31", status="locked")
    make_period("2023-h1-old", "Kỳ mở", "2022-01-01", "2022-06-30", status="open")
    body = " ".join(str(block["value"]) for block in report_content(h1_2023)["body"])
    assert "Chưa có số liệu cùng kỳ năm trước" in body


def test_a_locked_period_gets_a_draft_too(staff_client, home, make_period):
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="locked")
    response = staff_client.post(URL.format("2024-h1"))
    assert response.status_code == 302
    assert ArticlePage.objects.get(locale__language_code="vi").source_period.slug == "2024-h1"


def test_open_periods_are_refused(staff_client, home, make_period):
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="open")
    response = staff_client.post(URL.format("2024-h1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("report_writer")
    assert not ArticlePage.objects.exists()


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_other_accounts_cannot_write_reports(client, rf, home, h1_2023, make_user, province, role):
    body = province["body"] if role == "reviewer" else None
    user = make_user("someone", role=role, union_body=body)
    client.force_login(user)
    response = client.post(URL.format("2023-h1"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    # The view checks once more, whatever lets a request through to it.
    request = rf.post(URL.format("2023-h1"))
    request.user = user
    with pytest.raises(PermissionDenied):
        WriteReportView.as_view()(request, slug="2023-h1")
    assert not ArticlePage.objects.exists()


def test_the_writer_lists_frozen_periods_with_a_button(staff_client, home, make_period, h1_2023):
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="open")
    html = staff_client.get(reverse("report_writer")).content.decode()
    assert f'action="{URL.format("2023-h1")}"' in html
    assert URL.format("2024-h1") not in html


def test_the_draft_opens_in_the_page_editor(staff_client, home, h1_2023):
    location = staff_client.post(URL.format("2023-h1"))["Location"]
    response = staff_client.get(location)
    assert response.status_code == 200
    assert "6 tháng đầu năm 2023" in response.content.decode()


def test_writing_twice_gives_two_drafts(staff_client, home, h1_2023):
    staff_client.post(URL.format("2023-h1"))
    staff_client.post(URL.format("2023-h1"))
    assert sorted(ArticlePage.objects.values_list("slug", flat=True)) == [
        "bao-cao-2023-h1",
        "bao-cao-2023-h1-2",
        "report-2023-h1",
        "report-2023-h1-2",
    ]


def test_a_year_earlier_that_is_only_locked_is_not_quoted(make_period, h1_2023):
    from .conftest import AREAS_2022_H1

    make_period(
        "2022-h1",
        "6 tháng đầu năm 2022",
        "2022-01-01",
        "2022-06-30",
        areas=AREAS_2022_H1,
        status="locked",
    )
    content = report_content(h1_2023)
    body = " ".join(str(block["value"]) for block in content["body"])
    assert content["compared_period"] is None
    assert "87,8" not in body and "Chưa có số liệu cùng kỳ năm trước" in body


def test_unlocking_the_compared_period_takes_the_article_down_everywhere(
    client, staff_client, home, h1_2023, make_period
):
    from wagtail.models import Page

    from workplace import periods

    from .conftest import AREAS_2022_H1

    earlier = make_period(
        "2022-h1",
        "6 tháng đầu năm 2022",
        "2022-01-01",
        "2022-06-30",
        areas=AREAS_2022_H1,
        status="published",
    )
    staff_client.post(URL.format("2023-h1"))
    article = ArticlePage.objects.get(locale__language_code="vi")
    article.save_revision().publish()
    url = article.url
    assert client.get(url).status_code == 200
    client.logout()
    found = client.get("/search/", {"q": "87,8%"}).content.decode()
    assert url in found

    periods.unlock(earlier, reason="Sửa số liệu")

    assert client.get(url).status_code == 404
    assert url not in client.get("/search/", {"q": "87,8%"}).content.decode()
    assert url not in client.get("/").content.decode()
    assert Page.objects.get(pk=article.pk).live  # the editors' text is kept
