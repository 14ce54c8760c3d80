"""The buyers a seller names on filing, each with the exact share of the property they buy.

One buyer buys the whole (their share may be left blank). Several buyers (spouses buying
together, for example) each name a share, an exact fraction ("1/2", "2/3"), and the shares add up
to exactly the whole. The filing form and the filing service both check the list here, so a bad
list is refused with the same message whether typed on the portal or sent another way, before
anything is recorded.
"""

from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from najiz.common.identifiers import is_valid_national_id, normalize_digits
from najiz.common.money import format_share, share_terms

MAX_BUYERS = 4
SHARE_MAX_LENGTH = 20
WHOLE = (1, 1)

TOO_MANY = _("At most %(count)s buyers may buy together.")
INVALID_ID = _("Enter a valid national ID or iqama number (10 digits) for each buyer.")
NO_SHARE = _("Enter the share each buyer buys, as a fraction such as 1/2.")
BAD_SHARE = _("Each buyer's share is a fraction above zero and at most the whole, such as 1/2 or 2/3.")
NAMED_TWICE = _("The buyer with ID %(id)s is named twice.")
SELLER_BUYS = _("The buyer with ID %(id)s is a seller in this conveyance: a seller cannot be one of the buyers.")
NOT_FOUND = _("No person with ID %(id)s is found in the civil registry.")
NOT_WHOLE = _("The buyers' shares must add up to the whole (1); they add up to %(total)s.")


class BuyersRefused(Exception):
    """A list of buyers that cannot be filed; `message` names the problem, `index` the buyer."""

    def __init__(self, message, code, index=None, **params):
        self.message = message % params if params else message
        self.code, self.index = code, index
        super().__init__(str(self.message))


def read_id(value, index=None) -> str:
    number = normalize_digits(str(value or "")).strip()
    if "\x00" in number or not is_valid_national_id(number):
        raise BuyersRefused(INVALID_ID, "buyer_id", index)
    return number


def read_share(value, index=None) -> tuple[int, int]:
    """A share typed by the seller: exact terms as written ("2/4" stays 2/4); blank, zero, negative,
    more than the whole, NUL or overlong text is refused."""
    text = str(value or "").strip()
    if not text:
        raise BuyersRefused(NO_SHARE, "buyer_share", index)
    if len(text) > SHARE_MAX_LENGTH or "\x00" in text:
        raise BuyersRefused(BAD_SHARE, "buyer_share", index)
    try:
        return share_terms(text)
    except (ValueError, TypeError):
        raise BuyersRefused(BAD_SHARE, "buyer_share", index) from None


def checked(pairs, *, seller_ids=()) -> list[tuple[str, tuple[int, int]]]:
    """[(id, share)] as typed → [(id, (numerator, denominator))], or BuyersRefused.

    A lone buyer buys the whole whatever their share says (blank or "1"); their id is left to the
    eligibility rules, which record why an id cannot buy. Several buyers: each a valid id, named
    once, not a seller, with a share above zero, the shares adding up to exactly 1."""
    pairs = [(id_, share) for id_, share in pairs if str(id_ or "").strip() or str(share or "").strip()]
    if len(pairs) > MAX_BUYERS:
        raise BuyersRefused(TOO_MANY, "buyers", count=MAX_BUYERS)
    if len(pairs) <= 1:
        id_, share = pairs[0] if pairs else ("", "")
        if str(share or "").strip() and Fraction(*read_share(share, 0)) != 1:
            raise BuyersRefused(NOT_WHOLE, "buyer_share", 0, total=format_share(read_share(share, 0)))
        return [(normalize_digits(str(id_ or "")).strip(), WHOLE)]
    sellers = set(seller_ids)
    seen, rows = set(), []
    for index, (id_, share) in enumerate(pairs):
        number = read_id(id_, index)
        if number in seen:
            raise BuyersRefused(NAMED_TWICE, "buyer_id", index, id=number)
        if number in sellers:
            raise BuyersRefused(SELLER_BUYS, "buyer_id", index, id=number)
        seen.add(number)
        rows.append((number, read_share(share, index)))
    total = sum((Fraction(*terms) for _id, terms in rows), Fraction(0))
    if total != 1:
        raise BuyersRefused(NOT_WHOLE, "buyer_share", None, total=format_share(total))
    return rows
