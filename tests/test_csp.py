"""Every page carries a Content-Security-Policy that allows no inline script, and the page
templates hold no inline script or style for it to block (emails and letters are not pages)."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
NOT_PAGES = ("letters", "emails")


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/register/", "/verify/", "/no-such-page/",
                                  "/api/docs/"])
def test_pages_carry_the_policy(client, path):
    policy = directives(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # Only the API docs (Swagger UI's icons) take data: images.
    assert policy["img-src"] == (["'self'", "data:"] if path == "/api/docs/" else ["'self'"])
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy.get(directive, [])
        assert "'unsafe-eval'" not in policy.get(directive, [])


def test_signed_in_pages_and_refusals_carry_it_too(client, provider):
    client.force_login(provider)
    assert "Content-Security-Policy" in client.get("/microcredentials/new/")
    assert "Content-Security-Policy" in client.get("/dashboard/")  # 403 page for a provider


def _page_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] not in NOT_PAGES:
            yield path


def test_page_templates_hold_no_inline_script_or_style():
    found = []
    for path in _page_templates():
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=\"|javascript:", text):
            found.append("%s: %s" % (path.relative_to(TEMPLATES), match.group(0)))
    assert found == []


def test_the_browsable_api_allows_its_inline_styles_but_never_an_inline_script(client, provider):
    client.force_login(provider)
    response = client.get("/api/v1/microcredentials/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    policy = directives(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives(client.get("/api/v1/microcredentials/"))["style-src"]
