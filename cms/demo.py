"""Demo pages for the demo province: the home page text, the 2023-h1 results, one news article.

``load_demo_pages()`` only creates what is missing, so ``load_demo`` can run again and again;
pages an editor has since changed are left as they are. Every page has its English
translation (``cms.translations``). Results pages are made by publishing a period
(``cms.results_pages``); the demo adds its introduction to the 2023-h1 one.
"""

import datetime

from workplace.models import ReportingPeriod

from .models import ArticlePage, HomePage, ensure_home_page
from .results_pages import bring_up_results_page
from .translations import ENGLISH, english_home, in_vietnamese, translate, translation_in

PERIOD = "2023-h1"
HOME_TITLE = "Dân chủ ở cơ sở tại nơi làm việc tỉnh Lạng Sơn"
ARTICLE_SLUG = "ket-qua-dan-chu-co-so-6-thang-dau-nam-2023"
ARTICLE_SLUG_EN = "workplace-democracy-results-first-half-2023"

HOME_TEXT = {
    "intro": (
        "<p>Trang này công bố kết quả thực hiện dân chủ ở cơ sở tại nơi làm việc của các công "
        "đoàn cơ sở trong doanh nghiệp ngoài nhà nước và đơn vị sự nghiệp ngoài công lập tỉnh "
        "Lạng Sơn: hội nghị người lao động, thỏa ước lao động tập thể và đối thoại tại nơi làm "
        "việc. Liên đoàn Lao động tỉnh tổng hợp số liệu theo từng kỳ báo cáo và chỉ công bố số "
        "liệu đã được chốt.</p>"
    ),
}
HOME_TEXT_EN = {
    "title": "Workplace democracy in Lạng Sơn province",
    "intro": (
        "<p>This site reports how grassroots unions in the non-state enterprises and non-public "
        "service units of Lạng Sơn province put workplace democracy into practice: worker "
        "conferences, collective agreements and dialogues at the workplace. The provincial "
        "labour federation compiles the figures for each reporting period and publishes them "
        "only once they are frozen.</p>"
    ),
}


def _paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _heading(text):
    return {"type": "heading", "value": text}


def _figure(period, indicator):
    return {"type": "figure", "value": {"period": period.pk, "indicator": indicator}}


def _article_body(period, results):
    link = f'<a linktype="page" id="{results.pk}">'
    return [
        _paragraph(
            "Trong sáu tháng đầu năm 2023, công đoàn cơ sở ở các doanh nghiệp ngoài nhà nước và "
            "đơn vị sự nghiệp ngoài công lập của tỉnh tiếp tục đưa các hình thức dân chủ vào "
            "sinh hoạt hằng ngày của doanh nghiệp, theo Bộ luật Lao động năm 2019 và Nghị định "
            "số 145/2020/NĐ-CP. Các con số trong bài được đọc trực tiếp từ kết quả mà Liên đoàn "
            "Lao động tỉnh đã chốt cho kỳ báo cáo."
        ),
        _heading("Hội nghị người lao động"),
        _paragraph(
            "Hội nghị người lao động là dịp người lao động cùng người sử dụng lao động nhìn lại "
            "việc thực hiện hợp đồng lao động, thỏa ước và nội quy, rồi bàn việc của năm tới. "
            "Đơn vị thuộc diện phải tổ chức là đơn vị có từ 10 đoàn viên trở lên và đang hoạt "
            "động; những đơn vị nhỏ hơn hoặc đang tạm ngừng hoạt động không tính vào mẫu số."
        ),
        _figure(period, "eligible"),
        _figure(period, "conference"),
        _heading("Thỏa ước lao động tập thể"),
        _paragraph(
            "Phần lớn các đơn vị thuộc diện đang có thỏa ước lao động tập thể còn hiệu lực. Vì "
            "thỏa ước chỉ có thời hạn từ một đến ba năm, công đoàn cơ sở cần để ý ngày hết hạn "
            "để kịp thương lượng và ký thỏa ước mới."
        ),
        _figure(period, "agreement"),
        _heading("Đối thoại tại nơi làm việc"),
        _paragraph(
            "Ngoài cuộc đối thoại định kỳ ít nhất mỗi năm một lần, nhiều đơn vị đã đối thoại "
            "đột xuất khi người lao động đề nghị hoặc khi có sự việc phát sinh, nhờ đó nhiều "
            "vướng mắc được giải quyết ngay tại doanh nghiệp."
        ),
        _figure(period, "dialogues"),
        {"type": "chart", "value": {"period": period.pk, "indicator": "conference"}},
        _paragraph(
            f"Bảng số liệu theo từng huyện, cách tính từng chỉ tiêu và các tệp dữ liệu mở có "
            f"trên {link}trang kết quả 6 tháng đầu năm 2023</a>."
        ),
    ]


def _article_body_en(period, results):
    link = f'<a linktype="page" id="{results.pk}">'
    return [
        _paragraph(
            "In the first half of 2023, grassroots unions in the province's non-state "
            "enterprises and non-public service units kept making workplace democracy part of "
            "everyday working life, as the 2019 Labour Code and Decree 145/2020/ND-CP ask. The "
            "figures in this article are read directly from the results the provincial labour "
            "federation froze for the reporting period."
        ),
        _heading("Worker conferences"),
        _paragraph(
            "At a worker conference, workers and their employer look back on how employment "
            "contracts, the collective agreement and the workplace rules were carried out, and "
            "agree on the year ahead. A unit has to hold one when it has at least 10 union "
            "members and is operating; smaller units and those temporarily suspended are left "
            "out of the count."
        ),
        _figure(period, "eligible"),
        _figure(period, "conference"),
        _heading("Collective agreements"),
        _paragraph(
            "Most of the units concerned have a collective agreement in force. Because an "
            "agreement runs for one to three years only, grassroots unions need to watch its "
            "expiry date so that a new one is negotiated and signed in time."
        ),
        _figure(period, "agreement"),
        _heading("Dialogue at the workplace"),
        _paragraph(
            "Besides the periodic dialogue held at least once a year, many units held ad hoc "
            "dialogues when workers asked for one or when something happened, so that many "
            "problems were settled inside the enterprise."
        ),
        _figure(period, "dialogues"),
        {"type": "chart", "value": {"period": period.pk, "indicator": "conference"}},
        _paragraph(
            f"The figures for each district, how every indicator is counted and the open data "
            f"files are on the {link}results page for the first half of 2023</a>."
        ),
    ]


def _publish(page):
    page.save_revision().publish()
    return page


def _write_once(page, **fields):
    """Write ``fields`` on ``page`` and publish it, unless it already has an introduction
    (an editor's, or the demo's from an earlier run)."""
    if not page.intro:
        for name, value in fields.items():
            setattr(page, name, value)
        _publish(page)


def _home():
    home = ensure_home_page(HOME_TITLE)
    _write_once(home, **HOME_TEXT)
    _write_once(english_home(home), **HOME_TEXT_EN)
    return HomePage.objects.get(pk=home.pk)


def _results_page(period):
    """The period's results page, which publishing made; the demo only writes its intro."""
    page = bring_up_results_page(period)
    _write_once(
        page,
        intro=(
            "<p>Kết quả thực hiện dân chủ ở cơ sở tại nơi làm việc trong 6 tháng đầu năm "
            "2023, theo số liệu Liên đoàn Lao động tỉnh đã chốt và công bố.</p>"
        ),
    )
    _write_once(
        translation_in(page, ENGLISH),
        intro=(
            "<p>How workplace democracy was carried out in the first half of 2023, from the "
            "figures the provincial labour federation froze and published.</p>"
        ),
    )
    return page


def _article(home, period, results):
    page = in_vietnamese(ArticlePage.objects.filter(slug=ARTICLE_SLUG)).first()
    if page is None:
        page = ArticlePage(
            slug=ARTICLE_SLUG,
            title=(
                "Hơn chín phần mười đơn vị thuộc diện đã tổ chức hội nghị người lao động "
                "trong 6 tháng đầu năm 2023"
            ),
            date=datetime.date(2023, 7, 20),
            summary=(
                "Liên đoàn Lao động tỉnh Lạng Sơn công bố kết quả thực hiện dân chủ ở cơ sở tại "
                "nơi làm việc trong khu vực ngoài nhà nước sáu tháng đầu năm 2023."
            ),
            body=_article_body(period, results),
            source_period=period,
        )
        home.add_child(instance=page)
        _publish(page)
    translate(
        page,
        ARTICLE_SLUG_EN,
        title=(
            "More than nine in ten units concerned held a worker conference in the first "
            "half of 2023"
        ),
        summary=(
            "The Lạng Sơn provincial labour federation publishes how workplace democracy "
            "was carried out in the non-state sector in the first half of 2023."
        ),
        # Its link to the results page leads to the results page in the reader's language.
        body=_article_body_en(period, results),
    )
    return page


def load_demo_pages():
    """The demo's pages: created once, left alone afterwards."""
    period = ReportingPeriod.objects.get(slug=PERIOD)
    home = _home()
    results = _results_page(period)
    article = _article(home, period, results)
    return {"home": home, "results": results, "article": article}
