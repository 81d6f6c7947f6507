"""The statistics baseline: every figure of DOMAIN.md "Statistics: one definition each" in
hand-written SQL on a plain sqlite3 connection, and the check that it agrees with the service.
Every breakdown of ``domain.breakdowns`` needs its statement in ``_BREAKDOWNS``."""

from __future__ import annotations

import sqlite3
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from welcome_center.domain.breakdowns import REGISTRY
from welcome_center.domain.person_facts import EU_EEA_CH
from welcome_center.domain.statistics import Period, Statistics

_ACTIVE = """
SELECT id FROM records WHERE opened_on BETWEEN :a AND :b
UNION SELECT id FROM records WHERE promoted_on BETWEEN :a AND :b
UNION SELECT id FROM records WHERE closed_on BETWEEN :a AND :b
UNION SELECT record_id FROM consultations WHERE held_on BETWEEN :a AND :b
UNION SELECT record_id FROM referrals WHERE referred_on BETWEEN :a AND :b"""

# The records active in the period are the ids in the temporary table bench_active. A missing
# code (NULL or empty) is a breakdown's not_recorded row.
_COUNTS = {
    "enquiries_received": "SELECT count(*) FROM records WHERE opened_on BETWEEN :a AND :b",
    "enquiries_worked": "SELECT count(*) FROM bench_active",
    "cases_new": "SELECT count(*) FROM records WHERE kind = 'case' "
    "AND promoted_on BETWEEN :a AND :b",
    "closed": "SELECT count(*) FROM records WHERE closed_on BETWEEN :a AND :b",
    "open_at_end": "SELECT count(*) FROM records WHERE opened_on <= :b "
    "AND (closed_on IS NULL OR closed_on > :b)",
    "referrals": "SELECT count(*) FROM referrals WHERE referred_on BETWEEN :a AND :b",
    # tenths of an hour, rounded half up (integer division); made a Decimal in figures()
    "consultation_hours": "SELECT (coalesce(sum(duration_minutes), 0) * 10 + 30) / 60 "
    "FROM consultations WHERE held_on BETWEEN :a AND :b",
}
# The persons and organisations advised: the clients of the records active in the period.
_PERSONS = "FROM persons WHERE id IN (SELECT client_person_id FROM records "
_PERSONS += "WHERE id IN (SELECT id FROM bench_active))"
_ORGS = "FROM organisations WHERE id IN (SELECT client_organisation_id FROM records "
_ORGS += "WHERE id IN (SELECT id FROM bench_active))"
_EU = ", ".join(f"'{code}'" for code in sorted(EU_EEA_CH))
_PROCEDURES = "FROM recognition_procedures WHERE (submitted_on BETWEEN :a AND :b "
_PROCEDURES += "OR decided_on BETWEEN :a AND :b)"
# The age reached in the last day's year, from the birth year (DOMAIN.md; anonymising keeps it).
_AGE = "CAST(strftime('%Y', :b) AS INTEGER) - birth_year"
_BY_AGE = "SELECT CASE WHEN birth_year IS NULL THEN 'not_recorded' WHEN age < 18 THEN 'under_18' "
_BY_AGE += "WHEN age < 30 THEN '18_29' WHEN age < 55 THEN '30_54' WHEN age < 65 THEN '55_64' "
_BY_AGE += f"ELSE '65_plus' END, count(*) FROM (SELECT birth_year, {_AGE} AS age {_PERSONS}) "
_BY_AGE += "GROUP BY 1"
_ROWS = {
    ("cases_worked", "cases_worked_persons", "cases_worked_organisations"): "SELECT count(*), "
    "count(client_person_id), count(client_organisation_id) FROM records r "
    "WHERE r.id IN (SELECT id FROM bench_active) AND kind = 'case' AND promoted_on <= :b",
    ("consultations", "consultation_minutes"): "SELECT count(*), "
    "coalesce(sum(duration_minutes), 0) FROM consultations WHERE held_on BETWEEN :a AND :b",
    ("persons_advised", "organisations_advised"): "SELECT count(DISTINCT client_person_id), "
    "count(DISTINCT client_organisation_id) FROM records r "
    "WHERE r.id IN (SELECT id FROM bench_active)",
    ("events", "event_participants"): "SELECT count(*), coalesce(sum(participants), 0) "
    "FROM events WHERE held_on BETWEEN :a AND :b",
    ("third_country_persons",): f"SELECT count(*) {_PERSONS} AND nationality NOT IN ({_EU})",
    ("smes_advised",): f"SELECT count(*) {_ORGS} AND size IN ('micro', 'small', 'medium')",
    ("consultations_first", "consultations_follow_up", "consultations_with_interpreter"): "SELECT "
    "coalesce(sum(CASE WHEN is_first THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN is_first THEN 0 ELSE 1 END), 0), "
    "coalesce(sum(CASE WHEN interpreter THEN 1 ELSE 0 END), 0) "
    "FROM consultations WHERE held_on BETWEEN :a AND :b",
    ("recognition_active", "recognition_regulated"): "SELECT count(*), "
    f"coalesce(sum(CASE WHEN regulated THEN 1 ELSE 0 END), 0) {_PROCEDURES}",
    ("event_participants_persons", "event_participants_organisations"): "SELECT "
    "coalesce(sum(participants_persons), 0), coalesce(sum(participants_organisations), 0) "
    "FROM events WHERE held_on BETWEEN :a AND :b",
}
# Every breakdown declared in domain.breakdowns, by its key: one statement of (code, count) rows.
# A multi-valued one counts a record under each of its codes; records without any are its
# not_recorded row.
_BREAKDOWNS = {
    "by_topic": "SELECT topic, count(*) FROM record_topics "
    "WHERE record_id IN (SELECT id FROM bench_active) GROUP BY 1 "
    "UNION ALL SELECT 'not_recorded', count(*) FROM bench_active a "
    "WHERE NOT EXISTS (SELECT 1 FROM record_topics t WHERE t.record_id = a.id)",
    "by_service": "SELECT service, count(*) FROM record_services "
    "WHERE record_id IN (SELECT id FROM bench_active) GROUP BY 1 "
    "UNION ALL SELECT 'not_recorded', count(*) FROM bench_active a "
    "WHERE NOT EXISTS (SELECT 1 FROM record_services t WHERE t.record_id = a.id)",
    "closed_by_reason": "SELECT coalesce(nullif(closing_reason, ''), 'not_recorded'), count(*) "
    "FROM records WHERE closed_on BETWEEN :a AND :b GROUP BY 1",
    "by_requester_type": "SELECT coalesce(nullif(requester_type, ''), 'not_recorded'), "
    "count(*) FROM records r WHERE r.id IN (SELECT id FROM bench_active) GROUP BY 1",
    "by_channel": "SELECT coalesce(nullif(channel, ''), 'not_recorded'), count(*) "
    "FROM records r WHERE r.id IN (SELECT id FROM bench_active) GROUP BY 1",
    "by_municipality": "SELECT coalesce(nullif(r.municipality, ''), 'not_recorded'), count(*) "
    "FROM records r WHERE r.id IN (SELECT id FROM bench_active) GROUP BY 1",
    "by_nationality": "SELECT coalesce(nullif(p.nationality, ''), 'not_recorded'), count(*) "
    "FROM records r JOIN persons p ON p.id = r.client_person_id "
    "WHERE r.id IN (SELECT id FROM bench_active) GROUP BY 1",
    "by_counsellor": "SELECT coalesce(nullif(u.username, ''), 'not_recorded'), count(*) "
    "FROM records r LEFT JOIN users u ON u.id = r.counsellor_id "
    "WHERE r.id IN (SELECT id FROM bench_active) GROUP BY 1",
    "referrals_by_partner": "SELECT coalesce(o.code, 'organisation-' || o.id), count(*) "
    "FROM referrals f JOIN organisations o ON o.id = f.partner_id "
    "WHERE f.referred_on BETWEEN :a AND :b GROUP BY o.id",
    "referrals_by_status": "SELECT status, count(*) FROM referrals "
    "WHERE referred_on BETWEEN :a AND :b GROUP BY status",
    "persons_by_gender": f"SELECT coalesce(gender, 'not_recorded'), count(*) {_PERSONS} GROUP BY 1",
    "persons_by_employment_status": "SELECT coalesce(employment_status, 'not_recorded'), "
    f"count(*) {_PERSONS} GROUP BY 1",
    "persons_by_education": f"SELECT coalesce(education, 'not_recorded'), count(*) {_PERSONS} "
    "GROUP BY 1",
    "persons_by_german_level": "SELECT coalesce(german_level, 'not_recorded'), count(*) "
    f"{_PERSONS} GROUP BY 1",
    "persons_by_nationality": "SELECT coalesce(nullif(nationality, ''), 'not_recorded'), "
    f"count(*) {_PERSONS} GROUP BY 1",
    "persons_by_age_band": _BY_AGE,
    "organisations_by_kind": f"SELECT coalesce(kind, 'not_recorded'), count(*) {_ORGS} GROUP BY 1",
    "consultations_by_duration": "SELECT CASE WHEN coalesce(duration_minutes, 0) < 1 "
    "THEN 'not_recorded' WHEN duration_minutes < 15 THEN 'under_15' WHEN duration_minutes < 30 "
    "THEN '15_29' WHEN duration_minutes < 60 THEN '30_59' ELSE '60_plus' END, count(*) "
    "FROM consultations WHERE held_on BETWEEN :a AND :b GROUP BY 1",
    "consultations_by_channel": "SELECT coalesce(nullif(channel, ''), 'not_recorded'), count(*) "
    "FROM consultations WHERE held_on BETWEEN :a AND :b GROUP BY 1",
    "recognition_by_state": "SELECT CASE WHEN decided_on > :b THEN 'submitted' ELSE state END, "
    f"count(*) {_PROCEDURES} GROUP BY 1",
    "recognition_decisions": "SELECT coalesce(decision, 'not_recorded'), count(*) "
    "FROM recognition_procedures WHERE decided_on BETWEEN :a AND :b GROUP BY 1",
    "recognition_by_training_country": "SELECT coalesce(nullif(training_country, ''), "
    f"'not_recorded'), count(*) {_PROCEDURES} GROUP BY 1",
}


def _scalar(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> Any:
    return conn.execute(sql, params).fetchone()[0]


def _months(end: date) -> list[tuple[str, str]]:
    return [(m.start.isoformat(), m.end.isoformat()) for m in Period(end, end).trend_months()]


def _trend(conn: sqlite3.Connection, end: date) -> list[tuple[str, int, int]]:
    out = []
    for a, b in _months(end):
        p = {"a": a, "b": b}
        received = _scalar(conn, _COUNTS["enquiries_received"], p)
        cases = _scalar(
            conn,
            f"SELECT count(*) FROM records WHERE kind = 'case' AND promoted_on <= :b "  # noqa: S608 - fixed text
            f"AND id IN ({_ACTIVE})",
            p,
        )
        out.append((a, received, cases))
    return out


def _since_start(conn: sqlite3.Connection, end: str) -> tuple[str | None, int, int]:
    row = conn.execute("SELECT project_start FROM office_settings WHERE id = 1").fetchone()
    start = (row[0] if row else None) or _scalar(conn, "SELECT min(opened_on) FROM records", {})
    if start is None or start > end:
        return start, 0, 0
    p = {"a": start, "b": end}
    return (
        start,
        _scalar(conn, _COUNTS["enquiries_received"], p),
        _scalar(conn, _COUNTS["cases_new"], p),
    )


def figures(conn: sqlite3.Connection, period: Period) -> dict[str, Any]:
    """Every figure of ``period``: counts, breakdowns as {code: count}, since_start, trend."""
    p = {"a": period.start.isoformat(), "b": period.end.isoformat()}
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS bench_active (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM bench_active")
    conn.execute(f"INSERT INTO bench_active (id) {_ACTIVE}", p)
    out: dict[str, Any] = {k: _scalar(conn, sql, p) for k, sql in _COUNTS.items()}
    for keys, sql in _ROWS.items():
        out.update(zip(keys, conn.execute(sql, p).fetchone(), strict=True))
    for key in REGISTRY:  # a declared breakdown without baseline SQL is a KeyError here
        out[key] = dict(conn.execute(_BREAKDOWNS[key], p).fetchall())
    out["consultation_hours"] = float(Decimal(out["consultation_hours"]) / 10)
    out["since_start"] = _since_start(conn, p["b"])
    out["trend"] = _trend(conn, period.end)
    conn.execute("DELETE FROM bench_active")
    conn.commit()
    return out


def of_service(stats: Statistics) -> dict[str, Any]:
    """The service's figures in the shape of :func:`figures`."""
    out: dict[str, Any] = {}
    for f in fields(stats):
        value = getattr(stats, f.name)
        if f.name == "period":
            continue
        if f.name == "breakdowns":
            out.update((key, dict(rows)) for key, rows in value.items())
            continue
        if f.name == "since_start":
            start = value.start.isoformat() if value.start else None
            value = (start, value.enquiries, value.cases)
        elif f.name == "trend":
            value = [(m.month.isoformat(), m.enquiries_received, m.cases_worked) for m in value]
        elif isinstance(value, tuple):
            value = dict(value)
        out[f.name] = value
    return out


def check_same(service: Statistics, mine: dict[str, Any]) -> None:
    """Raise SystemExit naming every figure where the service and the SQL disagree."""
    theirs = of_service(service)
    for key, value in mine.items():
        if isinstance(value, dict):
            mine[key] = {k: v for k, v in value.items() if v}  # a breakdown has no zero rows
    wrong = [k for k in sorted(theirs.keys() | mine.keys()) if theirs.get(k) != mine.get(k)]
    if wrong:
        detail = "\n".join(f"  {k}: service {theirs.get(k)!r}\n  {'':{len(k)}}  sql     "
                           f"{mine.get(k)!r}" for k in wrong)  # fmt: skip
        period = service.period
        raise SystemExit(f"statistics of {period}: the service and the SQL differ:\n{detail}")
