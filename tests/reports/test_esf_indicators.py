"""The ESF+ common output indicators (domain.esf_indicators) as the reports show them: computed
from the published statistics, and never telling a count that the breakdown they sum hides."""

from __future__ import annotations

import dataclasses
import io
import json

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reports import sample_content, sample_statistics
from welcome_center import i18n
from welcome_center.domain.esf_indicators import INDICATORS, NOT_SUPPORTED
from welcome_center.domain.statistics import ReportContent
from welcome_center.domain.suppression import Hidden
from welcome_center.reports import figures_export, sections
from welcome_center.reports.pdf import render_pdf

# 36 persons advised. Two long-term unemployed are a small cell: hidden as "< 3", and a
# further cell is hidden so that it cannot be worked out from the total.
EMPLOYMENT = (
    ("employed", 12), ("unemployed", 6), ("self_employed", 5), ("inactive", 4),
    ("in_education", 3), ("long_term_unemployed", 2), ("not_recorded", 4),
)  # fmt: skip
AGES = (("30_54", 15), ("18_29", 12), ("55_64", 5), ("65_plus", 4))
EDUCATION = (("isced_3_4", 14), ("isced_5_8", 13), ("isced_0_2", 5), ("not_recorded", 4))


def _content(lang: str = "en", **changes: object) -> ReportContent:
    figures: dict[str, object] = {
        "persons_advised": 36,
        "third_country_persons": 21,
        "organisations_advised": 7,
        "smes_advised": 4,
        "persons_by_employment_status": EMPLOYMENT,
        "persons_by_age_band": AGES,
        "persons_by_education": EDUCATION,
    }
    stats = dataclasses.replace(sample_statistics(), **(figures | changes))
    return sample_content(lang, stats)


def _values(content: ReportContent) -> dict[str, object]:
    with i18n.using(content.language):
        return {r.code: r.value for r in sections.esf_indicators(content)}


def test_each_indicator_sums_its_cells_or_takes_its_figure() -> None:
    values = _values(_content())
    assert values["EECO01"] == 36  # the persons advised
    assert values["EECO05"] == 12 + 5  # employed, including self-employed
    assert values["EECO06"] == 0  # no row under 18: none
    assert values["EECO07"] == 12
    assert values["EECO08"] == 5 + 4  # 55 to 64 and 65 and over
    assert (values["EECO09"], values["EECO10"], values["EECO11"]) == (5, 14, 13)
    assert values["EECO13"] == 21 and values["EECO19"] == 4
    assert list(values) == [i.code for i in INDICATORS] == sorted(values)


def test_an_indicator_over_a_hidden_cell_is_hidden_like_the_cell() -> None:
    content = _content()
    with i18n.using("en"):
        table = sections.breakdown(content, "persons_by_employment_status")
    hidden = {r.code for r in table.rows if isinstance(r.value, Hidden)}
    assert "long_term_unemployed" in hidden and "unemployed" not in hidden
    values = _values(content)
    # EECO03 is the hidden cell itself: "< 3" as in the table.
    assert values["EECO03"] is Hidden.SMALL
    # EECO02 is unemployed + long-term unemployed: shown, it would give the hidden count
    # away (EECO02 - 6); hidden as "x".
    assert values["EECO02"] is Hidden.COVER
    # Each indicator is shown exactly when every cell it sums is shown in the table.
    for indicator in INDICATORS:
        if indicator.breakdown == "persons_by_employment_status":
            covered = bool(hidden & set(indicator.cells))
            assert isinstance(values[indicator.code], Hidden) is covered, indicator.code
    assert values["EECO05"] == 17  # its cells are shown


def test_a_withheld_breakdown_hides_its_indicators() -> None:
    values = _values(_content(persons_by_education=(("isced_5_8", 2),)))
    assert {values[c] for c in ("EECO09", "EECO10", "EECO11")} == {Hidden.COVER}


def test_the_json_report_has_the_indicators_by_code_and_null_when_hidden() -> None:
    content = _content()
    with i18n.using("en"):
        data = json.loads(figures_export.render_json(content))
    esf = data["esf_indicators"]
    assert esf["EECO01"] == 36 and esf["EECO05"] == 17
    assert esf["EECO02"] is None and esf["EECO03"] is None
    hidden = data["suppression"]["hidden"]["esf_indicators"]
    assert hidden["EECO03"] == "< 3" and hidden["EECO02"] == "x"


def test_the_pdf_shows_the_table_in_who_was_advised_with_what_it_leaves_out() -> None:
    content = _content("de")
    with i18n.using("de"):
        data = render_pdf(content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    section = text[text.index("Wer beraten wurde") :]
    table = section[section.index("EECO01") : section.index("Beratene Personen nach Geschlecht")]
    assert "EECO01 Teilnehmende insgesamt 36" in table
    assert "EECO03 Langzeitarbeitslose < 3" in table
    assert "EECO05 Erwerbstätige, einschließlich Selbstständige 17" in table
    for code, _title in NOT_SUPPORTED:
        assert code in table  # named as not reported
    assert "nach Geschlecht" in table  # the regulation asks each indicator by gender


def test_the_workbook_has_a_sheet_of_the_indicators() -> None:
    content = _content("en")
    with i18n.using("en"):
        book = load_workbook(io.BytesIO(figures_export.render_xlsx(content)))
    names = book.sheetnames
    assert names.index("ESF+ indicators") == names.index("Who was advised") + 1
    rows = [r for r in book["ESF+ indicators"].iter_rows(min_row=5, values_only=True) if r[0]]
    by_code = {r[0]: r[2] for r in rows if str(r[0]).startswith("EECO")}
    assert by_code["EECO01"] == 36 and by_code["EECO03"] == "< 3" and by_code["EECO02"] == "x"
