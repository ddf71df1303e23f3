"""Cross-cutting security checks that CI runs (see docs/security.md).

Every page that opens carries a strict Content Security Policy and the other
security headers, signed-in pages are never cached, no template holds inline
script or style that the policy would block, cookies are Secure and HTTP-only
under production settings, and sign-in is rate limited per address as well
as per account. Who may open what is test_every_url's and test_idor's.
"""

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import Role
from alongside.testing.cast import make_user
from alongside.tests.test_every_url import TABLE, VIEWERS, request_path
from alongside.tests.test_settings import production_environment

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password"

# --- Pages: headers and what the browser is asked to run ---------------------------


def page_viewers(key: str) -> list[str]:
    """Who to open a GET page as: the first signed-in viewer it opens for, and anon."""
    entry = TABLE[key]
    opened = [viewer for viewer in VIEWERS if entry.expected[viewer] == 200]
    signed_in = [viewer for viewer in opened if viewer != "anon"]
    return signed_in[:1] + (["anon"] if "anon" in opened else [])


PAGES = sorted(
    key for key, entry in TABLE.items() if entry.method == "get" and page_viewers(key)
)

FORBIDDEN_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")
REQUIRED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def csp_problems(header: str) -> list[str]:
    directives = csp_directives(header)
    problems = [
        f"{name} allows {source}"
        for name, sources in directives.items()
        for source in sources
        if source in FORBIDDEN_SOURCES
    ]
    problems += [
        f"{name} is not {value}"
        for name, value in REQUIRED_DIRECTIVES.items()
        if directives.get(name) != [value]
    ]
    return problems


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, styles, handlers."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "nonce" not in names:
            self._in_inline_script = "src" not in names
        if tag == "style" and "nonce" not in names:
            self.found.append("<style> element")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:40]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def open_page(key: str, viewer: str, cast):
    client = Client()
    if viewer != "anon":
        client.force_login(cast.by_role_name()[viewer])
    with transaction.atomic():
        response = client.get(request_path(key, TABLE[key], cast))
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("key", PAGES)
def test_every_page_is_served_with_a_strict_policy_and_no_inline_code(key, cast):
    for viewer in page_viewers(key):
        response = open_page(key, viewer, cast)
        assert response.status_code == 200, f"{key} as {viewer}"
        policy = response.get("Content-Security-Policy", "")
        assert policy, f"{key}: no Content-Security-Policy"
        assert csp_problems(policy) == [], f"{key}: {csp_problems(policy)}"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        if response["Content-Type"].startswith("text/html"):
            body = response.content.decode()
            assert inline_code(body) == [], f"{key} as {viewer}: {inline_code(body)}"


SIGNED_IN_PAGES = [key for key in PAGES if page_viewers(key)[0] != "anon"]


@pytest.mark.parametrize("key", SIGNED_IN_PAGES)
def test_no_page_for_a_signed_in_person_may_be_cached(key, cast):
    response = open_page(key, page_viewers(key)[0], cast)
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control, f"{key}: Cache-Control {cache_control!r}"
    assert "private" in cache_control


def test_the_policy_check_finds_what_it_looks_for():
    assert csp_problems("default-src 'self' 'unsafe-inline'; script-src *") != []
    assert inline_code('<p style="color:red" onclick="go()">x</p>') == [
        "<p style=…>",
        "<p onclick=…>",
    ]
    assert inline_code("<script>alert(1)</script><style>p{}</style>") == [
        "inline <script>: alert(1)",
        "<style> element",
    ]
    assert inline_code('<script src="/static/a.js"></script><a href="/">x</a>') == []


# --- Templates and scripts: nothing that needs 'unsafe-inline' or 'unsafe-eval' ------

# Rendered by WeasyPrint into a PDF on the server, never sent to a browser.
SERVER_SIDE_TEMPLATES = {"surveys/templates/surveys/results_pdf.html"}
INLINE_IN_TEMPLATES = {
    "inline <script>": re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>"),
    "<style> element": re.compile(r"<style(?![^>]*\bnonce=)[\s>]"),
    "style attribute": re.compile(r"\sstyle\s*="),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def project_templates() -> list[Path]:
    folders = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*.html")
        if ".venv" not in path.parts
    )


def test_no_template_holds_code_the_policy_would_block():
    templates = project_templates()
    assert len(templates) > 50, "the scan found the templates"
    found = [
        f"{path.relative_to(BASE_DIR)}: {what}"
        for path in templates
        if str(path.relative_to(BASE_DIR)) not in SERVER_SIDE_TEMPLATES
        for what, pattern in INLINE_IN_TEMPLATES.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_our_scripts_never_evaluate_strings():
    scripts = sorted((BASE_DIR / "static" / "js").glob("*.js"))
    assert scripts
    evaluating = re.compile(r"\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['\"]")
    assert [path.name for path in scripts if evaluating.search(path.read_text())] == []


# --- Sign-in: per-address limit and second factor ---------------------------------------


def sign_in(client: Client, email: str, password: str, address: str, **headers):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_ten_times(client: Client, cast, address: str, **headers):
    """Ten failures from one address, spread so that no account reaches its own limit."""
    for user in (cast.clinician,) * 4 + (cast.leader,) * 4 + (cast.risk,) * 2:
        sign_in(client, user.email, "a-guess", address, **headers)


def test_ten_failures_a_minute_from_one_address_stop_every_sign_in_from_it(cast):
    newcomer = make_user(cast.org, first_name="Nora")
    client = Client()
    fail_ten_times(client, cast, "203.0.113.7")
    refused = sign_in(client, newcomer.email, PASSWORD, "203.0.113.7")
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client()
    allowed = sign_in(other, newcomer.email, PASSWORD, "198.51.100.20")
    assert allowed.status_code == 302
    assert other.session["_auth_user_id"] == str(newcomer.pk)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_limit_counts_the_client_not_the_proxy(cast):
    newcomer = make_user(cast.org, first_name="Nora")
    proxy = "10.0.0.2"
    fail_ten_times(Client(), cast, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    client = Client()
    other = sign_in(
        client, newcomer.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(newcomer.pk)
    again = sign_in(
        Client(), newcomer.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert "Too many failed login attempts" in again.content.decode()


@pytest.mark.parametrize("role", Role.values)
def test_every_program_role_must_set_up_a_second_factor(role, org, client_for):
    person = make_user(org, roles=(role,), mfa=False)
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- Production settings, through real responses ------------------------------------------

PRODUCTION_RESPONSES = """
import json

import django
from django.conf import settings

django.setup()
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from accounts.models import User

settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0)
user = User.objects.create_user("chris@hospital.example", password="a-long-test-password")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
client = Client(HTTP_HOST="alongside.hospital.example")
plain = client.get("/accounts/login/")
signed_in = client.post(
    "/accounts/login/",
    {"login": user.email, "password": "a-long-test-password"},
    secure=True,
)
cookies = {
    name: {flag: signed_in.cookies[name][flag] for flag in ("secure", "httponly", "samesite")}
    for name in ("sessionid", "csrftoken")
    if name in signed_in.cookies
}
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "signed_in": [signed_in.status_code, dict(signed_in.headers)],
    "cookies": cookies,
    "trusted_proxies": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


@pytest.fixture(scope="module")
def production_responses(tmp_path_factory) -> dict:
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_RESPONSES],
        cwd=BASE_DIR,
        env={
            **production_environment(DATABASE_URL=f"sqlite:///{database}"),
            "DJANGO_SETTINGS_MODULE": "alongside.settings",
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_production_cookies_are_secure_http_only_and_same_site(production_responses):
    assert production_responses["signed_in"][0] == 302
    cookies = production_responses["cookies"]
    assert cookies["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert cookies["csrftoken"]["secure"] is True
    assert cookies["csrftoken"]["httponly"] is True
    assert cookies["csrftoken"]["samesite"] == "Lax"


@pytest.mark.slow
def test_production_sends_plain_http_to_https_and_asks_for_hsts(production_responses):
    status, location = production_responses["plain"]
    assert status == 301
    assert location == "https://alongside.hospital.example/accounts/login/"
    headers = production_responses["signed_in"][1]
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "no-store" in headers["Cache-Control"]
    assert csp_problems(headers["Content-Security-Policy"]) == []


@pytest.mark.slow
def test_production_counts_sign_in_failures_by_the_address_behind_the_proxy(
    production_responses,
):
    assert production_responses["trusted_proxies"] == 1
