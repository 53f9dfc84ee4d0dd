"""The report writer: a draft article stating a frozen period's results in Vietnamese and English.

Every sentence is built from the period's snapshot (never from live records) and, where the
same period a year earlier is published, says how the rates moved. The draft keeps both periods,
so the article is only shown, listed and found in search while both are published.
"""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _

from workplace.compliance import coverage
from workplace.indicators import (
    PUBLIC_SECTOR_TABLE,
    REPORT,
    SUMMARY,
    WORKER_TABLE,
    format_decimal,
    shown_in,
)

from . import figures
from .models import ArticlePage, vietnamese_home
from .translations import free_slug, translate


def _number(value, language):
    with translation.override(language):
        return format_decimal(value)


def _ratio(numerator, denominator, rate, language):
    """'95/104 đơn vị (91,3%)' or '95/104 units (91.3%)'."""
    units = "đơn vị" if language == "vi" else "unit" if denominator == 1 else "units"
    shown = f"{numerator}/{denominator} {units}"
    return shown if rate is None else f"{shown} ({_number(rate, language)}%)"


def _units(count, language):
    if language == "vi":
        return f"{count} đơn vị"
    return f"{count} unit" if count == 1 else f"{count} units"


def _plural(count, singular, plural):
    return f"{count} {singular if count == 1 else plural}"


def _rate_change(current, previous, language):
    if current is None or previous is None:
        return "chưa so sánh được" if language == "vi" else "cannot be compared"
    points = figures.point_change(current, previous)
    was, now = _number(previous, language), _number(current, language)
    size = _number(abs(points), language)
    if language == "vi":
        if points > 0:
            return f"tăng {size} điểm phần trăm (từ {was}% lên {now}%)"
        if points < 0:
            return f"giảm {size} điểm phần trăm (từ {was}% xuống {now}%)"
        return f"giữ nguyên ở mức {now}%"
    if points > 0:
        return f"rose by {size} percentage points (from {was}% to {now}%)"
    if points < 0:
        return f"fell by {size} percentage points (from {was}% to {now}%)"
    return f"stayed at {now}%"


def _count_change(current, previous, language):
    difference = abs(current - previous)
    if language == "vi":
        if current > previous:
            return f"tăng {difference} (từ {previous} lên {current})"
        if current < previous:
            return f"giảm {difference} (từ {previous} xuống {current})"
        return f"không đổi ({current})"
    if current > previous:
        return f"rose by {difference} (from {previous} to {current})"
    if current < previous:
        return f"fell by {difference} (from {previous} to {current})"
    return f"stayed at {current}"


def _what_units_did(totals, language, place=REPORT, table=WORKER_TABLE):
    """'95/104 đơn vị (91,3%) đã tổ chức hội nghị người lao động; …' for each rate of
    ``place`` that says what the units did."""
    return "; ".join(
        f"{_ratio(totals[i.figure_key], totals[i.among], totals[i.rate_key], language)} "
        f"{(i.summary_done if place == SUMMARY and i.summary_done else i.done)[language]}"
        for i in table.shown_in(place)
        if i.rated and i.done
    )


def public_sector_paragraphs(totals):
    """The agencies' and public service units' sentence in each language, or None when the
    period counts none of them."""
    units = totals.get("units")
    if not units:
        return None
    did = {
        language: _what_units_did(totals, language, table=PUBLIC_SECTOR_TABLE)
        for language in ("vi", "en")
    }
    noun = "unit" if units == 1 else "units"
    return (
        f"Đối với {units} cơ quan hành chính nhà nước, đơn vị sự nghiệp công lập: {did['vi']}.",
        f"Of the {units} state agencies and public service {noun}, {did['en']}.",
    )


def _changes(totals, previous_totals, language):
    """How each figure of the report's comparison moved since ``previous_totals``."""
    changes = []
    compared = [indicator for indicator in shown_in(REPORT) if indicator.compared]
    # The rates first, then the counts.
    for indicator in sorted(compared, key=lambda indicator: not indicator.rated):
        if indicator.rated:
            key = indicator.rate_key
            change = _rate_change(totals[key], previous_totals[key], language)
        else:
            key = indicator.figure_key
            change = _count_change(totals[key], previous_totals[key], language)
        changes.append(f"{indicator.compared[language]} {change}")
    return "; ".join(changes)


def vietnamese_paragraphs(period, totals, previous=None, previous_totals=None):
    t = totals
    paragraphs = [
        f"Trong {period.name} (từ ngày {figures.vietnamese_day(period.start)} đến ngày "
        f"{figures.vietnamese_day(period.end)}), toàn tỉnh có {t['units']} công đoàn cơ sở "
        f"thuộc phạm vi theo dõi; {_units(t['eligible'], 'vi')} thuộc diện phải tổ chức hội "
        f"nghị người lao động (có từ {period.min_members} đoàn viên trở lên và đang hoạt động)."
    ]
    if t["eligible"]:
        paragraphs.append(f"Trong số đó, {_what_units_did(t, 'vi')}.")
    else:
        paragraphs.append(
            "Không có đơn vị nào thuộc diện phải tổ chức hội nghị người lao động, nên chưa "
            "tính được các tỷ lệ."
        )
    paragraphs.append(
        f"Trong kỳ, các đơn vị đã tổ chức {t['dialogues']} cuộc đối thoại tại nơi làm việc, "
        f"gồm {t['dialogues_periodic']} cuộc đối thoại định kỳ và {t['dialogues_ad_hoc']} cuộc "
        f"đối thoại đột xuất; {t['agreements_signed']} thỏa ước lao động tập thể được ký kết."
    )
    if previous is None:
        paragraphs.append("Chưa có số liệu cùng kỳ năm trước để so sánh.")
    else:
        paragraphs.append(f"So với {previous.name}, {_changes(t, previous_totals, 'vi')}.")
    return paragraphs


def english_paragraphs(period, totals, previous=None, previous_totals=None):
    t = totals
    phrase = figures.english_period_phrase(period)
    paragraphs = [
        f"In {phrase} ({figures.english_day(period.start)} to {figures.english_day(period.end)})"
        f", the province had {_plural(t['units'], 'grassroots union', 'grassroots unions')} "
        f"within the scope of monitoring; {_units(t['eligible'], 'en')} had to hold a worker "
        f"conference (at least {period.min_members} union members and operating)."
    ]
    if t["eligible"]:
        paragraphs.append(f"Of these, {_what_units_did(t, 'en')}.")
    else:
        paragraphs.append(
            "No unit had to hold a worker conference, so no rates can be given for the period."
        )
    paragraphs.append(
        f"During the period the units held {_plural(t['dialogues'], 'dialogue', 'dialogues')} "
        f"at the workplace, {t['dialogues_periodic']} periodic and {t['dialogues_ad_hoc']} ad "
        f"hoc, and signed "
        f"{_plural(t['agreements_signed'], 'collective agreement', 'collective agreements')}."
    )
    if previous is None:
        paragraphs.append("There are no figures for the same period a year earlier to compare.")
    else:
        since = figures.english_period_phrase(previous)
        paragraphs.append(f"Compared with {since}, {_changes(t, previous_totals, 'en')}.")
    return paragraphs


def summaries(totals):
    """One sentence in each language for the article's summary."""
    t = totals
    if not t["eligible"]:
        return (
            "Không có đơn vị nào thuộc diện phải tổ chức hội nghị người lao động.",
            "No unit had to hold a worker conference.",
        )
    return (f"{_what_units_did(t, 'vi', SUMMARY)}.", f"{_what_units_did(t, 'en', SUMMARY)}.")


def _stream(paragraphs, period):
    """Text, then the live figures of the same period as blocks the editor can move."""

    def text(paragraph):
        return {"type": "paragraph", "value": f"<p>{escape(paragraph)}</p>"}

    def block(kind, **value):
        return {"type": kind, "value": {"period": period.pk, **value}}

    first, rates, dialogues, *rest = paragraphs
    return [
        text(first),
        text(rates),
        block("figure", indicator="conference"),
        block("figure", indicator="agreement"),
        text(dialogues),
        block("figure", indicator="dialogues"),
        *(text(paragraph) for paragraph in rest),
        block("chart", indicator="conference"),
        block("chart", indicator="agreement"),
        block("coverage_table", breakdown="area"),
    ]


def report_content(period):
    """Title, summary and body of the report of ``period``, in both languages."""
    if not period.is_frozen or not period.snapshot:
        raise ValidationError(
            _("Lock the period “%(period)s” before writing its report.") % {"period": period.name}
        )
    stated = coverage(period)
    totals = stated["totals"]
    # Only a published period may be quoted: a locked one could still change or be withdrawn.
    previous = figures.comparable_period(period)
    previous_totals = coverage(previous)["totals"] if previous else None
    vi = vietnamese_paragraphs(period, totals, previous, previous_totals)
    en = english_paragraphs(period, totals, previous, previous_totals)
    public_sector = public_sector_paragraphs(stated["public_sector"]["totals"])
    if public_sector:
        vi.append(public_sector[0])
        en.append(public_sector[1])
    phrase = figures.english_period_phrase(period)
    summary, summary_en = summaries(totals)
    return {
        "compared_period": previous,
        "title": f"Kết quả thực hiện dân chủ ở cơ sở tại nơi làm việc {period.name}",
        "title_en": f"Workplace democracy results for {phrase}",
        "summary": summary,
        "summary_en": summary_en,
        "body": _stream(vi, period),
        "body_en": _stream(en, period),
    }


ENGLISH_FIELDS = ("title_en", "summary_en", "body_en")


def write_report(period, user=None):
    """Create the draft article of ``period`` under the home page, and its English
    translation as a draft beside it; return the Vietnamese one."""
    content = report_content(period)
    english = {name.removesuffix("_en"): content.pop(name) for name in ENGLISH_FIELDS}
    home = vietnamese_home()
    if home is None:
        raise ValidationError(_("Create the home page before writing a report."))
    article = ArticlePage(
        slug=free_slug(home, slugify(f"bao-cao-{period.slug}")),
        live=False,
        owner=user,
        source_period=period,
        **content,
    )
    home.add_child(instance=article)
    article.save_revision(user=user, log_action=True)
    translate(article, slugify(f"report-{period.slug}"), publish=False, user=user, **english)
    return article
