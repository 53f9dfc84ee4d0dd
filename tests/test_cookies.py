"""The README promises HTTP-only session and CSRF cookies: scripts cannot read either."""

from django.urls import reverse


def test_the_session_and_csrf_cookies_are_http_only(client, scope):
    login = client.get(reverse("portal:login"))
    assert login.cookies["csrftoken"]["httponly"]

    response = client.post(
        reverse("portal:login"),
        {"username": scope["officer_a"].username, "password": "pass-1234-word"},
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["httponly"]
