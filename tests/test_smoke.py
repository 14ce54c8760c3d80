import pytest


@pytest.mark.django_db
def test_home_answers(client):
    response = client.get("/")
    assert response.status_code == 200


def test_settings_use_postgres_in_the_suite(settings):
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
