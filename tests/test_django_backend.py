"""pytest-django swaps EMAIL_BACKEND for locmem; tests that use ``ses`` get django-ses back.

Runs where pytest-django, Django and django-ses are installed (the ``frameworks``
tox environment); skipped elsewhere.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_django")
pytest.importorskip("django_ses")

SETTINGS = """
SECRET_KEY = "test"
INSTALLED_APPS = []
EMAIL_BACKEND = "django_ses.SESBackend"
AWS_SES_REGION_NAME = "eu-west-1"
AWS_SES_REGION_ENDPOINT = "email.eu-west-1.amazonaws.com"
"""
SEND = """
from django.core.mail import send_mail

def send():
    return send_mail("Welcome", "Hello Dana", "shop@example.com", ["dana@example.com"])
"""


@pytest.fixture
def django_project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(shop_settings=SETTINGS, shop_mail=SEND)
    pytester.syspathinsert()
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # A subprocess: Django's settings and its test environment are process-wide.
    return pytester.runpytest_subprocess(
        "-p", "pytest_django", "--ds=shop_settings", "-p", "no:randomly", *args
    )


def test_mail_reaches_ses_although_django_swapped_the_backend(
    django_project: pytest.Pytester,
) -> None:
    django_project.makepyfile(
        """
        from django.conf import settings
        from django.core import mail
        from shop_mail import send

        def test_welcome(ses):
            assert send() == 1
            ses.assert_sent(to="dana@example.com", subject="Welcome", region="eu-west-1")
            assert mail.outbox == []
            assert settings.EMAIL_BACKEND == "django_ses.SESBackend"

        def test_without_ses_django_keeps_locmem():
            assert send() == 1
            assert len(mail.outbox) == 1
            assert settings.EMAIL_BACKEND.endswith("locmem.EmailBackend")
        """
    )
    run(django_project).assert_outcomes(passed=2)


def test_the_ini_option_turns_it_off_and_the_failure_says_why(
    django_project: pytest.Pytester,
) -> None:
    django_project.makeini("[pytest]\nses_django_backend = false\n")
    django_project.makepyfile(
        """
        from shop_mail import send

        def test_welcome(ses):
            send()
            ses.assert_sent(subject="Welcome")
        """
    )
    result = run(django_project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Hint: 1 message went to django.core.mail.outbox, not to SES.*",
            "*no SES calls*",
            "*1 message went to django.core.mail.outbox*",
        ]
    )


def test_a_backend_the_test_chose_is_left_alone(django_project: pytest.Pytester) -> None:
    django_project.makepyfile(
        """
        from django.core import mail
        from shop_mail import send

        def test_console(ses, settings):
            settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
            send()
            assert len(mail.outbox) == 1 and list(ses.outbox) == []
        """
    )
    run(django_project).assert_outcomes(passed=1)
