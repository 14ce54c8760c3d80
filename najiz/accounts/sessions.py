"""Keys this app keeps in the browser session (one place, so other apps can read them by name)."""

# Token of the browser's waiting Nafath request (never put in a URL).
NAFATH_CHALLENGE = "accounts.nafath_challenge"
# Where to go once the Nafath request is confirmed (already checked as a safe, same-site URL).
NAFATH_NEXT = "accounts.nafath_next"
# CR number of the entity the signed-in person acts for; absent when acting for themselves.
ACTING_AS = "accounts.acting_as"
# When the person signed in, and when they were last active (Unix seconds): the session ends after
# SESSION_MAX_AGE and SESSION_IDLE_TIMEOUT respectively (najiz.accounts.session_expiry).
SIGNED_IN_AT = "accounts.signed_in_at"
LAST_ACTIVE = "accounts.last_active"
# The demo clock's offset (seconds) those two times were written under: when the clock moves, they
# move with it, so a jump of days does not end the session (najiz.accounts.session_expiry).
CLOCK_OFFSET = "accounts.clock_offset"
