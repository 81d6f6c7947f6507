"""Which consent covers a referral to partner P on day D (DOMAIN.md), worked by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from welcome_center.domain.consent import (
    ConsentGap,
    MissingConsent,
    covering_referral_consent,
    covers_referral,
    in_force,
    missing_referral_consent,
)
from welcome_center.domain.enums import ConsentPurpose

P, Q = 7, 8  # two partners of the directory
D = date(2024, 3, 11)  # the referral day


@dataclass(frozen=True)
class C:
    purpose: ConsentPurpose
    partner_id: int | None
    given_on: date
    withdrawn_on: date | None = None


def referral(partner: int | None, given: date, withdrawn: date | None = None) -> C:
    return C(ConsentPurpose.REFERRAL, partner, given, withdrawn)


def test_in_force_from_the_day_given_until_the_day_before_the_withdrawal() -> None:
    c = referral(P, date(2024, 3, 1), date(2024, 3, 20))
    assert not in_force(c, date(2024, 2, 29))
    assert in_force(c, date(2024, 3, 1))  # the day it was given
    assert in_force(c, date(2024, 3, 19))
    assert not in_force(c, date(2024, 3, 20))  # withdrawn by the 20th: the 20th counts
    assert in_force(referral(P, date(2024, 3, 1)), date(2099, 1, 1))  # never withdrawn


def test_a_referral_consent_for_p_or_for_all_partners_covers_p() -> None:
    assert covers_referral(referral(P, D), P, D)
    assert covers_referral(referral(None, D), P, D)  # all partners of the directory
    assert not covers_referral(referral(Q, D), P, D)  # another partner
    for purpose in (ConsentPurpose.COUNSELLING, ConsentPurpose.EMPLOYER, ConsentPurpose.EVENTS):
        assert not covers_referral(C(purpose, None, D), P, D)


def test_given_after_the_day_or_withdrawn_by_it_does_not_cover() -> None:
    assert not covers_referral(referral(P, date(2024, 3, 12)), P, D)  # the day after
    assert not covers_referral(referral(P, date(2024, 3, 1), D), P, D)  # withdrawn on D
    assert covers_referral(referral(P, date(2024, 3, 1), date(2024, 3, 12)), P, D)


def test_the_consent_for_the_named_partner_is_preferred_then_the_earliest() -> None:
    everyone = referral(None, date(2024, 1, 2))
    named_late = referral(P, date(2024, 3, 10))
    named_early = referral(P, date(2024, 2, 1))
    other = referral(Q, date(2024, 1, 1))
    found = covering_referral_consent([everyone, named_late, other, named_early], P, D)
    assert found is named_early
    assert covering_referral_consent([everyone, other], P, D) is everyone
    assert covering_referral_consent([other], P, D) is None
    assert covering_referral_consent([], P, D) is None


def test_what_is_missing_is_named() -> None:
    assert missing_referral_consent([referral(P, D)], P, D) is None
    assert missing_referral_consent([], P, D) == MissingConsent(ConsentGap.NONE)
    assert missing_referral_consent([referral(Q, D)], P, D) == MissingConsent(ConsentGap.NONE)
    later = [referral(P, date(2024, 4, 2)), referral(None, date(2024, 3, 20))]
    assert missing_referral_consent(later, P, D) == MissingConsent(
        ConsentGap.NOT_YET, date(2024, 3, 20)
    )
    withdrawn = [
        referral(P, date(2024, 1, 5), date(2024, 2, 1)),
        referral(None, date(2024, 2, 3), date(2024, 3, 11)),
        referral(P, date(2024, 5, 1)),
    ]
    # The latest withdrawal on or before D comes first: it is what the counsellor remembers.
    assert missing_referral_consent(withdrawn, P, D) == MissingConsent(
        ConsentGap.WITHDRAWN, date(2024, 3, 11)
    )
