"""What every journey checks on each page it reaches, and how it moves from page to page.

``Tour`` drives one browser tab and hands every page it arrives at to ``PageAudit``, which
collects what a person could not read: a page wider than the screen, a table whose first
column or reasons run off it, a button or link without a name or whose text spills out of its
box or is covered, English interface words on a Vietnamese page, and dates not written
dd/mm/yyyy. A journey ends with ``audit.assert_clean()``, so one run lists every such problem
of every page instead of stopping at the first.
"""

import collections
import csv
import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl

PAGE_CHECKS = (Path(__file__).with_name("page_checks.js")).read_text(encoding="utf-8")
# "~16 px": the height of one line of 14-px text, the smallest a finger or eye should meet.
MIN_CONTROL_HEIGHT = 15
DEMO_PASSWORD = "demo-2023"  # load_demo gives its accounts this password

# Interface words of Wagtail, Django and this project that a Vietnamese page must translate.
# Only words that are no Vietnamese syllable: "to" and "in" are, so they are not here.
ENGLISH_UI_WORDS = (
    "Access level",
    "Actions",
    "Active",
    "Add",
    "Apply",
    "Back",
    "Cancel",
    "Choose",
    "Clear",
    "Close",
    "Confirm",
    "Coverage",
    "Dashboard",
    "Delete",
    "Documents",
    "Download",
    "Edit",
    "Error",
    "Export",
    "False",
    "Filter",
    "Filters",
    "Forgotten",
    "Go to",
    "Help",
    "History",
    "Images",
    "Import",
    "Just now",
    "Last login",
    "Loading",
    "Lock",
    "Log in",
    "Log out",
    "More",
    "Next",
    "Page",
    "Pages",
    "Password",
    "Preview",
    "Previous",
    "Publish",
    "Remember me",
    "Reports",
    "Required",
    "Review",
    "Roles",
    "Save",
    "Search",
    "Select",
    "Settings",
    "Show",
    "Sign in",
    "Sign out",
    "Site summary",
    "Snippets",
    "Sort",
    "Status",
    "There are no",
    "True",
    "Union Democracy Tracker",
    "Unit",
    "Units",
    "Unlock",
    "Upload",
    "Username",
    "Warning",
    "Yes",
    "ago",
    "and",
    "could not",
    "created in",
    "from",
    "not found",
    "of",
    "the",
    "this",
    "with",
    "your",
)
ENGLISH_WORD = re.compile(
    r"(?<![\w.@/-])(" + "|".join(map(re.escape, ENGLISH_UI_WORDS)) + r")(?![\w@/-])"
)

# Dates for people are dd/mm/yyyy in both languages.
DATE_MISTAKES = (
    (re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])"), "yyyy-mm-dd"),
    (re.compile(r"(?<![\w/])\d{4}/\d{1,2}/\d{1,2}(?![\w/])"), "yyyy/mm/dd"),
    (re.compile(r"[Nn]gày \d{1,2} tháng \d{1,2},? (năm )?\d{4}"), "Ngày … tháng … năm"),
    (re.compile(r"(?<![\dy] )(?<!\d)\d{1,2} tháng \d{1,2},? (năm )?\d{4}"), "d tháng m năm yyyy"),
    (
        re.compile(
            r"\b(Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}"
        ),
        "an English month name",
    ),
    (re.compile(r"(?<![\d/])(\d/\d{1,2}|\d{1,2}/\d)/\d{4}(?![\d/])"), "a day or month without 0"),
    (re.compile(r"(?<![\d/])\d{2}/\d{2}/\d{2}(?![\d/])"), "a two-digit year"),
    (re.compile(r"(?<![\d/])\d{2}/(1[3-9]|2\d|3[01])/\d{4}(?![\d/])"), "mm/dd/yyyy"),
)


class PageAudit:
    """The problems found on the pages of one journey, at one screen width."""

    def __init__(self, width_name):
        self.width_name = width_name
        self.visited = []
        self.found = collections.defaultdict(list)  # problem → pages it was seen on

    def check(self, page, language="vi"):
        """Look at the open page as it is now; ``language`` is the one it must be in."""
        where = page_name(page.url)
        self.visited.append(where)
        seen = page.evaluate(PAGE_CHECKS, {"minControlHeight": MIN_CONTROL_HEIGHT})
        problems = list(seen["problems"])
        if not seen["language"].lower().startswith(language):
            problems.append(f"the page is in {seen['language'] or 'no language'}, not {language}")
        elif language == "vi":
            problems += english_words(seen["text"])
        problems += date_mistakes(seen["text"])
        for problem in problems:
            if where not in self.found[problem]:
                self.found[problem].append(where)
        return problems

    def report(self):
        lines = []
        for problem, pages in self.found.items():
            lines.append(f"- {problem}  [{self.width_name}: {', '.join(pages)}]")
        return lines

    def assert_clean(self):
        assert self.visited, "no page was audited"
        assert not self.found, (
            f"What a person cannot read at {self.width_name} width, on "
            f"{len(set(self.visited))} pages visited:\n" + "\n".join(self.report())
        )


def page_name(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def english_words(text):
    words = sorted({match.group(1) for match in ENGLISH_WORD.finditer(text)})
    if not words:
        return []
    samples = []
    for word in words[:6]:
        match = re.search(
            r"[^\n]{0,30}(?<![\w.@/-])" + re.escape(word) + r"(?![\w@/-])[^\n]{0,30}", text
        )
        samples.append(f"“{match.group(0).strip()}”" if match else word)
    return [f"English words on a Vietnamese page: {', '.join(words)} (in {'; '.join(samples)})"]


def date_mistakes(text):
    mistakes = []
    for pattern, kind in DATE_MISTAKES:
        shown = sorted({match.group(0) for match in pattern.finditer(text)})
        if shown:
            mistakes.append(f"dates written as {kind}, not dd/mm/yyyy: {', '.join(shown[:4])}")
    return mistakes


class Tour:
    """One person's way through the site in one browser tab; every page reached is audited."""

    def __init__(self, page, base_url, audit):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.audit = audit

    def url(self, path):
        return self.base_url + path

    def open(self, path, language="vi"):
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        self.audit.check(self.page, language)
        return response

    def follow(self, locator, language="vi"):
        """Click a link or a submit button and audit the page it leads to."""
        with self.page.expect_navigation():
            locator.click()
        self.page.wait_for_load_state()
        self.audit.check(self.page, language)

    submit = follow

    def check(self, language="vi"):
        """Audit the page as it is now (after a change made on it without navigating)."""
        self.audit.check(self.page, language)

    def download(self, locator):
        """Click something that downloads a file; returns (suggested name, bytes)."""
        with self.page.expect_download() as started:
            locator.click()
        download = started.value
        assert download.failure() is None, download.failure()
        return download.suggested_filename, Path(download.path()).read_bytes()

    def sign_in_portal(self, username, password=DEMO_PASSWORD):
        self.open("/portal/login/")
        form = self.page.locator("main form").filter(has=self.page.locator("[name=password]"))
        form.locator("[name=username]").fill(username)
        form.locator("[name=password]").fill(password)
        self.submit(form.locator("button[type=submit]"))

    def sign_in_admin(self, username, password=DEMO_PASSWORD):
        self.open("/admin/login/")
        form = self.page.locator("form").filter(has=self.page.locator("[name=password]"))
        form.locator("[name=username]").fill(username)
        form.locator("[name=password]").fill(password)
        self.submit(form.locator("button[type=submit]"))


def vi(message):
    """``message`` as the site shows it in Vietnamese (this project's, Django's or Wagtail's
    catalogue): for the admin's wording, which its screens share with Wagtail's own."""
    from django.utils import translation

    with translation.override("vi"):
        return translation.gettext(message)


# --- files a person uploads or downloads ----------------------------------------------------


def read_csv(content):
    """The rows of a downloaded CSV (UTF-8, with or without a BOM) as lists of cells."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content):
    """The rows of a downloaded workbook's first sheet, as lists of cell values."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def minutes_pdf(title):
    """A small, valid one-page PDF whose page shows ``title`` (ASCII)."""
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    table = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return body
