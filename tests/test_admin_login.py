"""Signing in to the admin: lockout after repeated failures, session expiry, password rules.

Everything goes through Wagtail's real sign-in form and django-axes' database handler.
"""

import base64
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from cms.security import lockout_message
from tests.helpers import text

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "Kommunal-Planung-2024!"


@pytest.fixture
def redakteurin(db):
    return get_user_model().objects.create_superuser("redakteurin", "r@example.org", PASSWORD)


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def errors(response) -> list[str]:
    return re.findall(r'<li class="error">(.*?)</li>', text(response), re.S)


def fail(client: Client, times: int, username: str = "redakteurin", **extra):
    return [sign_in(client, username, "falsch", **extra) for _ in range(times)]


def test_four_failures_are_only_wrong_passwords(client, redakteurin):
    responses = fail(client, 4)
    assert [r.status_code for r in responses] == [200] * 4
    assert errors(responses[-1]) == [
        "Your username and password didn&#x27;t match. Please try again."
    ]


def test_the_fifth_failure_locks_the_sign_in_with_a_clear_message(client, redakteurin):
    *_, fifth = fail(client, 5)
    assert fifth.status_code == 429
    assert errors(fifth) == [
        "Too many failed sign-in attempts. Please wait 15 minutes and try again."
    ]
    # Still Wagtail's sign-in page, with the form, so the person knows where they are.
    assert 'name="username"' in text(fifth)
    assert "Content-Security-Policy" in fifth


def test_the_message_is_in_the_readers_language(client, redakteurin):
    fail(client, 4)
    response = client.post(
        LOGIN, {"username": "redakteurin", "password": "falsch"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    assert response.status_code == 429
    with translation.override("de"):
        assert errors(response) == [lockout_message(response.wsgi_request)]


def test_while_locked_even_the_right_password_is_refused(client, redakteurin):
    fail(client, 5)
    response = sign_in(client, "redakteurin", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)


def test_the_lock_is_per_username_and_address(client, redakteurin):
    get_user_model().objects.create_superuser("kollege", "k@example.org", PASSWORD)
    fail(client, 5)
    assert sign_in(client, "kollege", PASSWORD).status_code == 302
    other_address = Client(REMOTE_ADDR="198.51.100.20")
    assert sign_in(other_address, "redakteurin", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, redakteurin):
    fail(client, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = sign_in(client, "redakteurin", PASSWORD)
    assert response.status_code == 302
    assert signed_in(client)


def test_a_successful_sign_in_forgets_earlier_failures(client, redakteurin):
    fail(client, 4)
    assert sign_in(client, "redakteurin", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    assert [r.status_code for r in fail(client, 4)] == [200] * 4


def test_limits_come_from_the_settings(client, redakteurin, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    first, second = fail(client, 2)
    assert first.status_code == 200
    assert second.status_code == 429
    assert errors(second) == [
        "Too many failed sign-in attempts. Please wait 1 minute and try again."
    ]


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(redakteurin, settings):
    """Without a proxy, X-Forwarded-For is the client's own claim and changes nothing."""
    client = Client()
    for attempt in range(5):
        sign_in(client, "redakteurin", "falsch", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    assert sign_in(client, "redakteurin", PASSWORD).status_code == 429

    # Behind one proxy, the address it appended is the client's; a different client (as
    # the proxy reports it) is not locked, whatever it puts in front of the header.
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(5):
        sign_in(proxy, "redakteurin", "falsch", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert (
        sign_in(proxy, "redakteurin", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    assert (
        sign_in(
            proxy, "redakteurin", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 203.0.113.8"
        ).status_code
        == 302
    )


# -- sessions --------------------------------------------------------------------------------


def test_session_ends_with_the_browser_and_after_eight_hours_at_most(client, redakteurin):
    response = sign_in(client, "redakteurin", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # gone with the browser
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    lifetime = session.expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < lifetime <= datetime.timedelta(hours=8)


def test_remember_me_keeps_the_cookie_for_the_session_age_only(client, redakteurin):
    response = client.post(
        LOGIN, {"username": "redakteurin", "password": PASSWORD, "remember": "on"}
    )
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_an_expired_session_is_sent_back_to_sign_in(client, redakteurin):
    sign_in(client, "redakteurin", PASSWORD)
    assert signed_in(client)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


# -- passwords -------------------------------------------------------------------------------


def user_form(password: str) -> dict:
    return {
        "username": "neue-redakteurin",
        "email": "neu@example.org",
        "first_name": "Neue",
        "last_name": "Redakteurin",
        "password1": password,
        "password2": password,
    }


@pytest.mark.parametrize(
    "weak, reason",
    [
        ("Kurz-123", "too short"),
        ("password1234", "too common"),
        ("839201746582", "entirely numeric"),
        ("neue-redakteurin1", "too similar"),
    ],
)
def test_admin_refuses_a_weak_password(admin_client, weak, reason):
    response = admin_client.post(
        reverse("wagtailusers_users:add"), user_form(weak), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200  # the form again
    assert reason in text(response)
    assert not get_user_model().objects.filter(username="neue-redakteurin").exists()


def test_admin_accepts_a_strong_password(admin_client):
    response = admin_client.post(
        reverse("wagtailusers_users:add"), user_form("Thüringer-Kreise-23")
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="neue-redakteurin")
    assert user.check_password("Thüringer-Kreise-23")


def test_the_public_api_is_no_door_for_guessing_passwords(client, redakteurin):
    """HTTP Basic credentials on Wagtail's API change nothing, right or wrong."""
    answers = set()
    for password in ("falsch", PASSWORD):
        token = base64.b64encode(f"redakteurin:{password}".encode()).decode()
        response = client.get("/api/v2/pages/?limit=1", HTTP_AUTHORIZATION=f"Basic {token}")
        answers.add((response.status_code, response.content))
    assert len(answers) == 1
    assert next(iter(answers))[0] == 200
    assert not AccessAttempt.objects.exists()


def test_the_admin_api_still_knows_the_signed_in_user(client, redakteurin):
    """The page explorer menu reads the admin API with the session."""
    sign_in(client, "redakteurin", PASSWORD)
    response = client.get("/admin/api/main/pages/?child_of=root")
    assert response.status_code == 200
    assert response.json()["items"]
