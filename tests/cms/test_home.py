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
    assert HomePage.objects.count() == 1
