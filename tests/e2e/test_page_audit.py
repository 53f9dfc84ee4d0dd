"""The page audit of the journeys sees what it is meant to see, and nothing on a sound page."""

import pytest

from .conftest import WIDTHS
from .pages import PageAudit

pytestmark = pytest.mark.browser

SOUND = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 16px/1.5 sans-serif; margin: 0; padding: 1rem; }
  .hidden-header { position: absolute; width: 1px; height: 1px; overflow: hidden;
                   clip: rect(0 0 0 0); }
  .wrap { overflow-x: auto; }
</style></head><body>
<a class="skip" href="#main" style="position:absolute; left:-999px">Skip to content</a>
<main id="main">
  <h1>Đơn vị của tôi</h1>
  <p>Ngày ký: 06/05/2023. Mã kỳ <code>2023-h1</code>, tệp <code>dialogues.csv</code>.</p>
  <form><button type="submit">Lưu</button> <a href="/">Hủy</a>
    <button type="button" lang="en">English</button></form>
  <div class="wrap"><table>
    <thead class="hidden-header"><tr><th>Tên</th><th>Lý do</th></tr></thead>
    <tbody><tr><th scope="row"><a href="/u/1">Công ty Cổ phần Phân bón Vĩnh Phát</a></th>
      <td><ul class="shortfalls"><li>Chưa tổ chức hội nghị người lao động.</li></ul></td></tr>
    </tbody></table></div>
</main></body></html>"""

FLAWED = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 16px/1.5 sans-serif; margin: 0; }
  .tiny { display: inline-block; width: 40px; height: 10px; overflow: hidden;
          white-space: nowrap; font-size: 8px; }
  .cramped { display: inline-block; width: 30px; white-space: nowrap; }
  .cover { position: absolute; top: 0; left: 0; width: 300px; height: 60px; background: #fff; }
  .huge svg { width: 80px; height: 80px; }
  .huge { display: inline-block; width: 30px; height: 30px; overflow: visible; }
</style></head><body>
<a href="/a" style="position:absolute; top: 10px; left: 10px">Bị che</a>
<div class="cover"></div>
<div style="margin-top: 80px">
  <a href="/icon"><svg width="16" height="16" aria-hidden="true">
    <rect width="16" height="16"/></svg></a>
  <button class="tiny">Nút nhỏ</button>
  <button class="cramped">Đăng ký đơn vị mới</button>
  <a class="huge button" href="/h" aria-label="Tải về"><svg viewBox="0 0 8 8">
    <rect width="8" height="8"/></svg></a>
  <p>Page 1 of 3. Save. Ngày 2023-05-06, ngày 6 tháng 5 năm 2023, hạn 7 tháng 5, 2023,
    5/6/2023, 05/13/2023.</p>
  <div style="width: 2000px">Rộng quá</div>
  <div style="overflow: hidden">
    <select style="width: 500px"><option>Năm 2023</option></select></div>
  <div style="overflow: hidden; width: 200px"><table style="width: 400px"><tr>
    <td style="width: 10px; overflow-wrap: anywhere">Phân bón</td>
    <td>Thành phố Lạng Sơn</td></tr></table></div>
  <table><tr><td style="padding-left: 1500px">Tên</td>
    <td><ul class="shortfalls"><li>Chưa tổ chức đối thoại.</li></ul></td></tr></table>
</div></body></html>"""


@pytest.fixture
def blank_tab(chromium):
    context = chromium.new_context(**WIDTHS["phone"])
    yield context.new_page()
    context.close()


def test_a_sound_page_passes(blank_tab):
    blank_tab.set_content(SOUND)
    assert PageAudit("360 px").check(blank_tab) == []


def test_each_kind_of_flaw_is_reported(blank_tab):
    blank_tab.set_content(FLAWED)
    found = "\n".join(PageAudit("360 px").check(blank_tab))
    expected = [
        "wider than the screen",
        "is off the screen",
        "px past the edge of the screen",
        "cannot be scrolled to",
        "narrower than its words",
        "the reason",
        "has no name",
        "px high",
        "sticks out of its box",
        "its icon is larger than the button",
        "is covered by",
        "English words on a Vietnamese page: Page, Save, of",
        "dates written as yyyy-mm-dd",
        "dates written as Ngày … tháng … năm",
        "dates written as d tháng m năm yyyy",
        "dates written as a day or month without 0",
        "dates written as mm/dd/yyyy",
    ]
    missing = [what for what in expected if what not in found]
    assert not missing, f"not reported: {missing}\nreported:\n{found}"


def test_an_english_page_where_vietnamese_is_due_is_reported(blank_tab):
    blank_tab.set_content(SOUND.replace('lang="vi"', 'lang="en"', 1))
    assert PageAudit("360 px").check(blank_tab) == ["the page is in en, not vi"]
