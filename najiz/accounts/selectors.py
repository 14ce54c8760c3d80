from najiz.common import clock

from .models import NafathChallenge


def waiting_challenges_for(national_id: str) -> list[NafathChallenge]:
    """Requests for the id still waiting for an answer in the app, newest first."""
    return list(
        NafathChallenge.objects.filter(
            national_id=national_id, status=NafathChallenge.Status.PENDING, expires_at__gt=clock.now()
        ).order_by("-created_at")[:20]
    )
