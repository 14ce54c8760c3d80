import pytest
from django.contrib import admin
from django.urls import reverse

from demo import data as demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("1000000099", password="a-long-password-1")
    client.force_login(user)
    return client


def test_every_registry_admin_page_opens(staff_client):
    demo.seed()
    models = [model for model in admin.site._registry if model._meta.app_label == "registries"]
    assert len(models) >= 14
    for model in models:
        info = (model._meta.app_label, model._meta.model_name)
        assert staff_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200, model
        first = model.objects.first()
        if first is not None:
            assert staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk])).status_code == 200, (
                model
            )
