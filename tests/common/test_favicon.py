"""The site's icon: every page links it from the static files, and /favicon.ico is there too
(browsers ask for it on what links none), for anyone, signed in or not."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_favicon_ico_at_the_site_root_answers_anonymous_users():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert Client().get("/apple-touch-icon.png").status_code == 200


def test_pages_link_the_icon_from_the_static_files(client, registrar):
    client.force_login(registrar)
    for page in (client.get("/"), Client().get("/accounts/login/")):
        html = page.content.decode()
        links = re.findall(r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"', html)
        assert {rel for rel, _ in links} == {"icon", "apple-touch-icon"}, html[:600]
        assert len(links) == 3
        for _rel, href in links:
            assert href.startswith("/static/favicon/")
            response = client.get(href)
            assert response.status_code == 200, href
            assert response["Content-Type"].startswith("image/")


def test_the_admin_links_the_icon_too(client, administrator):
    client.force_login(administrator)
    html = client.get("/admin/").content.decode()
    assert '<link rel="icon" href="/static/favicon/favicon.svg" type="image/svg+xml">' in html
