"""A developer finds the open data, on a phone and at a desk, in Chromium.

From the home page's footer to the page for developers: what each figure means (from the
indicator table), the licence, examples with curl and pandas whose code scrolls inside its box
while the page never scrolls sideways; then the API documentation page, drawn by Swagger UI
from the site's own files under its content security policy, with no error in the console.
The developers page is audited (pages.py); the documentation page is Swagger UI's English.
"""

import pytest

pytestmark = pytest.mark.browser

PERIOD = "2023-h1"
ENDPOINTS = (
    "/api/v1/periods",
    "/api/v1/periods/{slug}/figures",
    "/api/v1/periods/{slug}/figures.csv",
    "/api/v1/periods/{slug}/figures.xlsx",
)


def console_errors(page):
    """Every error the page reports from now on: its console (a refused script or style says so
    there), uncaught exceptions, and files that failed to load (by their address). The site has
    no /favicon.ico, which the browser asks for by itself: that one is left out."""
    errors = []

    def console(message):
        # A failed file is reported below with its address; the console's line names none.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def response(answer):
        if answer.status >= 400 and not answer.url.endswith("/favicon.ico"):
            errors.append(f"{answer.status} {answer.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", response)
    return errors


# Run in every document before its own scripts, so that a refusal during loading is seen too.
RECORD_POLICY_VIOLATIONS = """
window.policyViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.policyViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def in_vietnamese(text):
    from django.utils import translation

    with translation.override("vi"):
        return str(text)


def sideways_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_a_developer_finds_the_fields_the_examples_and_the_api_docs(tour):
    from playwright.sync_api import expect

    from cms.field_guide import figure_fields

    page = tour.page
    errors = console_errors(page)
    page.add_init_script(RECORD_POLICY_VIOLATIONS)

    tour.open("/")
    footer = page.locator("footer")
    tour.follow(footer.get_by_role("link", name="Dữ liệu mở cho lập trình viên"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dữ liệu mở cho lập trình viên")

    # The licence, plainly.
    licence = page.locator("section[aria-labelledby=licence-heading]")
    expect(licence.get_by_role("heading")).to_have_text("Giấy phép")
    expect(licence).to_contain_text("tự do sao chép, sử dụng lại và phân phối lại")

    # Every figure of the indicator table, by its key and its Vietnamese label and meaning.
    fields = page.locator("section[aria-labelledby=fields-heading]")
    expect(fields.get_by_role("heading", level=2)).to_have_text("Ý nghĩa từng số liệu")
    listed = fields.inner_text()
    for field in figure_fields():
        assert f"{field.key} {in_vietnamese(field.label)}" in listed, field.key
        assert in_vietnamese(field.meaning) in listed, field.key

    # The examples name this site's addresses; the code scrolls inside its box.
    examples = page.locator("section[aria-labelledby=examples-heading]")
    expect(examples.get_by_role("heading")).to_have_text("Ví dụ")
    csv_url = tour.url(f"/api/v1/periods/{PERIOD}/figures.csv")
    expect(examples.locator("pre").first).to_contain_text(f"curl -o figures.csv {csv_url}")
    expect(examples.locator("pre").nth(1)).to_contain_text(f'pd.read_csv("{csv_url}"')
    assert sideways_scroll(page) <= 0
    for block in examples.locator("pre").all():
        box = block.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]

    # The methodology of the newest published period, as its results page words it.
    expect(page.get_by_role("heading", name="Cách tính số liệu")).to_be_visible()

    # The API documentation: every endpoint drawn, nothing refused by the policy.
    with page.expect_navigation():
        page.get_by_role("link", name="Tài liệu API (OpenAPI)").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API dữ liệu mở")
    for endpoint in ENDPOINTS:
        expect(page.locator(f".opblock-summary-path[data-path='{endpoint}']")).to_have_count(1)
    assert page.evaluate("window.policyViolations") == []
    assert sideways_scroll(page) <= 0
    response = page.request.get(tour.url("/api/v1/docs"))
    assert "script-src 'self'" in response.headers["content-security-policy"]

    assert errors == [], errors
    tour.audit.assert_clean()
