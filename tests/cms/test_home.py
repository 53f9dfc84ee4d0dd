from cms.models import HomePage, ensure_home_page


def test_home_page_is_served_at_the_site_root(client, db):
    ensure_home_page("Theo dõi dân chủ ở cơ sở")
    response = client.get("/")
    assert response.status_code == 200
    assert "Theo dõi dân chủ ở cơ sở" in response.content.decode()
    assert '<html lang="vi">' in response.content.decode()


def test_home_page_is_created_once(db):
    ensure_home_page("Một")
    ensure_home_page("Hai")
    assert HomePage.objects.filter(locale__language_code="vi").count() == 1
    assert HomePage.objects.count() == 2  # and its English translation


def test_home_shows_the_latest_published_headline(client, home, h1_2022, h1_2023):
    html = client.get("/").content.decode()
    for shown in ("141", "104", "95/104 (91,3%)", "97/104 (93,3%)", "132"):
        assert shown in html
    assert "6 tháng đầu năm 2023" in html


def test_home_shows_the_change_against_the_same_half_a_year_earlier(client, home, h1_2022, h1_2023):
    vietnamese = client.get("/").content.decode()
    # Conference rate 87.8% → 91.3%, agreement rate 91.8% → 93.3%, 110 → 132 dialogues.
    assert "3,5" in vietnamese and "1,5" in vietnamese
    assert "6 tháng đầu năm 2022" in vietnamese
    english = client.get("/en/").content.decode()
    assert "up 3.5 percentage points on First half of 2022" in english
    assert "up 1.5 percentage points on First half of 2022" in english
    assert "22 more than in First half of 2022" in english


def test_home_compares_only_with_a_published_period_of_the_same_kind(
    client, home, make_period, h1_2023
):
    # The whole of 2022 is not the same kind as a half year; a locked 2022-h1 is not public.
    make_period("2022", "Năm 2022", "2022-01-01", "2022-12-31")
    make_period("2022-h1", "6 tháng đầu năm 2022", "2022-01-01", "2022-06-30", status="locked")
    html = client.get("/en/").content.decode()
    assert "95/104 (91.3%)" in html
    assert "percentage points" not in html


def test_home_links_every_published_period(client, home, h1_2022, h1_2023, make_results_page):
    page = make_results_page(h1_2023)
    html = client.get("/").content.decode()
    assert f'href="{page.url}"' in html
    assert 'href="/api/coverage/2022-h1.csv"' in html
    assert 'href="/api/coverage/2023-h1.json"' in html


def test_home_without_published_periods_says_so(client, home):
    assert "No results have been published yet." in client.get("/en/").content.decode()
