"""Test and demo factories for accounts."""

import factory

from najiz.accounts.models import User
from najiz.common.identifiers import with_check_digit

STAFF_PASSWORD = "Najiz-Staff-2025!"


def _set_password(user, create, raw):
    if raw:
        user.set_password(raw)
    else:
        user.set_unusable_password()  # people sign in through Nafath
    if create:
        user.save(update_fields=["password"])


class UserFactory(factory.django.DjangoModelFactory):
    """A portal account with a valid, unique national id (17xxxxxxx + check digit)."""

    class Meta:
        model = User
        django_get_or_create = ["national_id"]
        skip_postgeneration_save = True

    national_id = factory.Sequence(lambda n: with_check_digit(f"17{n:07d}"))
    name_ar = factory.Sequence(lambda n: f"مستخدم {n}")
    name_en = factory.Sequence(lambda n: f"User {n}")
    email = factory.LazyAttribute(lambda user: f"{user.national_id}@example.sa")
    phone = "0500000000"

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        _set_password(user, create, extracted)


class StaffUserFactory(UserFactory):
    """A judge or staff member: is_staff, signs in with a password (STAFF_PASSWORD unless given)."""

    is_staff = True

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        _set_password(user, create, extracted or STAFF_PASSWORD)
