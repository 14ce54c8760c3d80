import pytest

from najiz.common import clock


@pytest.fixture(autouse=True)
def _fresh_language():
    """Each test starts in the default language (Arabic), whatever the previous one activated."""
    from django.utils import translation

    translation.activate("ar")
    yield
    translation.deactivate()


@pytest.fixture
def travel():
    """Move the portal's clock: `with travel(timedelta(days=6)): ...`."""
    return clock.travel
