"""Article blocks read figures from published snapshots and choose among published periods."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.blocks import ArticleStreamBlock, FigureBlock
from cms.models import ArticlePage

from .conftest import figure_block


def test_the_period_choice_lists_only_published_periods(make_period, h1_2023):
    make_period("2023", "Năm 2023", "2023-01-01", "2023-12-31", status="locked")
    make_period("2024-h1", "6 tháng đầu năm 2024", "2024-01-01", "2024-06-30", status="open")
    field = FigureBlock().child_blocks["period"].field
    assert list(field.queryset) == [h1_2023]


def test_a_figure_block_for_a_locked_period_does_not_validate(make_period, h1_2023):
    locked = make_period("2023", "Năm 2023", "2023-01-01", "2023-12-31", status="locked")
    block = FigureBlock()
    assert block.clean(block.to_python({"period": h1_2023.pk, "indicator": "conference"}))
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"period": locked.pk, "indicator": "conference"}))


@pytest.mark.parametrize(
    "indicator, shown",
    [
        ("conference", "95/104 (91,3%)"),
        ("agreement", "97/104 (93,3%)"),
        ("periodic_dialogue", "85/104 (81,7%)"),
        ("declared", "133/141 (94,3%)"),
        ("units", "141"),
        ("dialogues_ad_hoc", "32"),
    ],
)
def test_a_figure_block_shows_one_indicator(h1_2023, indicator, shown):
    stream = ArticleStreamBlock().to_python([figure_block(h1_2023, indicator)])
    with translation.override("vi"):
        html = stream.render_as_block()
    assert f"<strong>{shown}</strong>" in html


def test_the_page_editor_offers_the_blocks(client, home, h1_2023, make_user):
    client.force_login(make_user("staff", role="federation"))
    response = client.get(f"/admin/pages/add/cms/articlepage/{home.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "6 tháng đầu năm 2023" in html
    assert all(name in html for name in ("coverage_table", "chart", "figure"))


def test_an_editor_publishes_an_article_with_a_figure_block(client, home, h1_2023, make_user):
    client.force_login(make_user("staff", role="federation"))
    data = nested_form_data(
        {
            "title": "Tin mới",
            "slug": "tin-moi",
            "title_en": "News",
            "summary": "",
            "summary_en": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Kết quả mới.</p>")),
                    ("figure", {"period": h1_2023.pk, "indicator": "conference"}),
                ]
            ),
            "body_en": streamfield([]),
            "action-publish": "publish",
        }
    )
    response = client.post(f"/admin/pages/add/cms/articlepage/{home.pk}/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    article = ArticlePage.objects.get(slug="tin-moi")
    assert article.live
    client.logout()
    assert "<strong>95/104 (91,3%)</strong>" in client.get(article.url).content.decode()
