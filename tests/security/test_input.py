"""Identifiers in paths (case, bill and deed numbers, checkout tokens) match their shape in the
URL converters, so anything else resolves to no route at all."""

import pytest
from django.urls import Resolver404, resolve, reverse

SHAPES = {
    # route name: (a well-formed identifier, identifiers of the wrong shape)
    "enforcement:detail": ("EN-2026-000001", ["x", "EN-2026-1", "en-2026-000001", "EN-٢٠٢٦-000001", "EN-2026-" + "1" * 40,
                                              "EN-2026-000001\x01"]),
    "conveyance:detail": ("CV-2026-000001", ["CV-2026", "CV 2026 000001", "CV-2026-000001é"]),
    "einstruments:detail": ("PN-2026-000001", ["PN-2026-00000a", "PN-2026-000001x"]),
    "verify_instrument:detail": ("PN-2026-000001", ["PN", "PN-2026-0000012345678901"]),
    "payments:invoice_detail": ("12345678903", ["1234567890", "123456789012", "1234567890x", "١٢٣٤٥٦٧٨٩٠٣"]),
    "gateway:session": ("Abc_def-0123456789xyz", ["short", "a" * 65, "tok.en" * 5, "توكن" * 5]),
    "conveyance:deed_pdf": ("310101000001", ["-310101", "3" * 21, "3101 01", "٣١٠١٠١"]),
    "verify:deed": ("310101000001", ["3" * 21, "abc$"]),
}


@pytest.mark.parametrize("name", SHAPES)
def test_identifier_routes_match_only_the_identifiers_shape(name):
    good, wrong = SHAPES[name]
    url = reverse(name, args=[good])
    assert resolve(url).kwargs
    for value in wrong:
        junk_url = url.replace(good, value)
        with pytest.raises(Resolver404):
            resolve(junk_url)
