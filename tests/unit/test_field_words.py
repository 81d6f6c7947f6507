"""Every field a person's or an organisation's change can name in the audit log has its words:
the audit page, the History tab and the access export show "Geschlecht", never "gender"."""

from __future__ import annotations

import dataclasses

import pytest

from welcome_center import i18n
from welcome_center.domain.drafts import OrganisationDraft, PersonDraft
from welcome_center.i18n.fields import OTHER_FIELDS


@pytest.mark.parametrize("draft", [PersonDraft, OrganisationDraft])
def test_every_field_of_a_client_has_words_in_german(draft: type) -> None:
    names = [f.name for f in dataclasses.fields(draft)]
    missing = [n for n in names if n not in OTHER_FIELDS]
    assert missing == []
    with i18n.using("de"):
        words = {n: i18n._(OTHER_FIELDS[n]) for n in names}
    same_in_german = {"Name", "Partner", "Code", "Website"}
    untranslated = [n for n, w in words.items() if w == OTHER_FIELDS[n] not in same_in_german]
    assert untranslated == []
