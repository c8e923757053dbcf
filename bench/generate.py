"""A deterministic council at a chosen scale, written with bulk SQL, for the benchmarks.

    .venv/bin/python -m bench.generate sqlite:////tmp/council.sqlite3 --suppliers 100000

What it writes (the same seed gives the same rows on SQLite and PostgreSQL):
- suppliers across the registry's sectors and a mix of countries, one contact user each, a few
  officers; one contract each and tenders with invitations;
- declarations (the total asked for; every supplier has a submitted one and the first ones an
  earlier, superseded version) with answers spread over questionnaire v1, each in a request;
- each supplier's current assessment, scored by the real pure scoring (domain/risk) and stored
  with its full breakdown, and the dashboard summary row;
- re-attestation cycles (completed history and one active cycle each), reminder history with
  its outbox messages, corrective actions for a share of High and Critical suppliers, registry
  statements, an action plan, training records, referrals and Charter evidence.

Scoring 100,000 declarations one by one would take minutes, so suppliers are drawn from a pool
of PROFILE_POOL kinds (answers x sector x country x contract): each kind is scored once and its
result reused. The answers still differ per declaration (name and company number), and so do
their hashes. Rows go in with executemany (SQLite) or COPY (PostgreSQL), bypassing the ORM.

A scale with `councils` above 1 is a partnership sharing the suppliers (issue 17): each council
knows a random 10-27 % of them (so councils overlap, and a supplier no council drew goes to one
at random), with a `council_suppliers` link and its own dashboard row for each; a supplier's
contract, requests, assessments and cycles belong to the first council that drew it (its home);
tenders and officers are spread over the councils; the programme records are the first
council's.

`council(kind, scale)` is what the benchmarks call: when the harness has set BENCH_CACHE_DIR,
the first benchmark to ask for a council of a given scale builds it and later ones in the same
`make bench` run reuse it (the harness removes it at the end). Benchmarks that write to it roll
back, or run last.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supplier_dd.domain.risk.residual import Assessment

GENERATOR_VERSION = 5
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 9, 0)
PROFILE_POOL = 1_500
# Existing councils hold questionnaire v1 declarations; the generator writes those.
QUESTIONNAIRE_VERSION = 1
WRITE_BATCH = 5_000
COUNTRIES = ["GB"] * 14 + ["IE", "DE", "FR", "PL", "TR", "CN", "IN", "BD", "MY", "VN"]
TURNOVER = ["under-36m"] * 5 + ["36m-60m", "60m-100m", "100m-500m", "over-500m"]
# (contract category, CPV code): the import's mapping turns these into PPN 02/23 industries.
CATEGORIES = [("Cleaning", "90910000"), ("Security", "79710000"), ("Construction", "45210000"),
              ("Catering", "55520000"), ("Social care", "85312000"), ("IT services", "72253000"),
              ("IT hardware", "30213100"), ("Waste", "90511000"), ("Legal services", "79100000"),
              ("Agency labour", "79620000"), ("Logistics", "63120000"), ("Textiles", "18100000")]
CONTRACT_VALUES = [Decimal(v) for v in ("8000.00", "45000.00", "250000.00", "1800000.00")]
# How favourable a kind's answers are: share of choice questions given the best option.
QUALITIES = [0.95, 0.85, 0.7, 0.5, 0.3]
# Chance that a question with a red-flag option is answered with it (per kind of supplier).
RED_FLAG_RATE = 0.005


@dataclass(frozen=True)
class Scale:
    suppliers: int
    declarations: int
    councils: int = 1

    @property
    def label(self) -> str:
        label = f"{self.suppliers:,} suppliers / {self.declarations:,} declarations"
        return label if self.councils == 1 else f"{label} / {self.councils} councils"

    @property
    def key(self) -> str:
        return f"{self.suppliers}-{self.declarations}-{self.councils}"


DEFAULT_SCALE = Scale(100_000, 200_000)
# Also the small point of the scaling note in docs/performance.md (1,000 vs 100,000).
QUICK_SCALE = Scale(1_000, 2_000)


# A partnership (issue 17): ten councils sharing the suppliers, each knowing 10-27 % of them.
CONSORTIUM_SCALE = Scale(100_000, 200_000, councils=10)
QUICK_CONSORTIUM_SCALE = Scale(1_000, 2_000, councils=10)
COUNCIL_SHARE = (0.10, 0.27)
OFFICERS_PER_COUNCIL = 5


def scale_for(quick: bool, consortium: bool = False) -> Scale:
    if consortium:
        return QUICK_CONSORTIUM_SCALE if quick else CONSORTIUM_SCALE
    return QUICK_SCALE if quick else DEFAULT_SCALE


def council_members(scale: Scale, seed: int) -> list[list[int]]:
    """For each supplier id (the list's index; 0 unused), the councils that know it, its home
    council first. One council knows every supplier."""
    if scale.councils == 1:
        return [[1]] * (scale.suppliers + 1)
    # Its own random stream, so the rest of the council is drawn as in a single council.
    rng = random.Random(seed * 7919 + scale.councils)
    members: list[list[int]] = [[] for _ in range(scale.suppliers + 1)]
    ids = range(1, scale.suppliers + 1)
    for council_id in range(1, scale.councils + 1):
        size = int(scale.suppliers * rng.uniform(*COUNCIL_SHARE))
        for supplier_id in rng.sample(ids, size):
            members[supplier_id].append(council_id)
    for supplier_id in ids:
        if not members[supplier_id]:
            members[supplier_id].append(rng.randint(1, scale.councils))
    return members


def officer_council(officer_id: int) -> int:
    return (officer_id - 1) // OFFICERS_PER_COUNCIL + 1


# --- Answers and scores ---------------------------------------------------------------------


@dataclass
class Kind:
    """One pooled kind of supplier: its facts, answers and their assessment, serialised once."""

    sector: str
    country: str
    turnover_band: str
    category: str
    cpv: str
    industry: str | None
    high_risk: bool
    value: Decimal
    answers_json: str  # with NAME/NUMBER placeholders, filled per supplier
    canonical_json: str
    assessment: Assessment
    breakdown_json: str
    red_flags_json: str


NAME_SLOT, NUMBER_SLOT = "@@NAME@@", "99999999"


def _choice_answer(question, quality: float, rng: random.Random):
    # Red-flag answers are rare in a real council (a knock-out is an exclusion ground), so
    # they are drawn at RED_FLAG_RATE rather than as often as any other option.
    flagged = [o for o in question.options if o.red_flag]
    if flagged and rng.random() < RED_FLAG_RATE:
        return rng.choice(flagged).value
    options = [o for o in question.options if not o.red_flag]
    best_first = sorted(options, key=lambda o: -o.points)
    if question.type == "multiple_choice":
        exclusive = [o for o in options if o.exclusive]
        chosen = [o.value for o in options if not o.exclusive and rng.random() < quality]
        if chosen:
            return chosen
        return [exclusive[0].value] if exclusive else [best_first[-1].value]
    if rng.random() < quality:
        return best_first[0].value
    return rng.choice(options).value


def _answers(questionnaire, supplier, quality: float, rng: random.Random) -> dict:
    """The demo's complete answers for free-text, dates and numbers; choices drawn at
    `quality`, so answers spread over every option of every choice question."""
    from supplier_dd.demo.declarations import demo_answers

    profile = "good" if quality >= 0.7 else "fair" if quality >= 0.4 else "poor"
    answers = demo_answers(supplier, "bench", profile, TODAY)
    fixed = {"org_legal_name", "org_company_number", "org_sectors", "org_turnover_band",
             "org_countries", "sc_source_countries", "s54_is_rco", "org_in_group"}
    for question in questionnaire.questions:
        if question.id in fixed or question.type not in ("yes_no", "single_choice",
                                                         "multiple_choice"):
            continue
        answers[question.id] = _choice_answer(question, quality, rng)
    return answers


def build_kinds(seed: int, count: int = PROFILE_POOL) -> list[Kind]:
    """The pool of supplier kinds, each scored once by the real pure scoring."""
    from supplier_dd.domain.organisations import sectors
    from supplier_dd.domain.ppn import ppn_category_for
    from supplier_dd.domain.questionnaire import canonical_json, load_questionnaire
    from supplier_dd.domain.risk.assess import assess_declaration_answers
    from supplier_dd.domain.risk.inherent import InherentProfile
    from supplier_dd.domain.risk.model import load_model

    rng = random.Random(seed)
    questionnaire = load_questionnaire("modern_slavery", QUESTIONNAIRE_VERSION)
    model = load_model()
    sector_list = list(sectors())
    kinds = []
    for _ in range(count):
        sector, country = rng.choice(sector_list), rng.choice(COUNTRIES)
        category, cpv = rng.choice(CATEGORIES)
        value = rng.choice(CONTRACT_VALUES)
        turnover = rng.choice(TURNOVER)
        industry, high_risk = ppn_category_for(category, cpv)
        # The same rule as services.risk.supplier_profile, so a recompute finds these scores.
        industry = industry if industry in model.industries else None
        supplier = SimpleNamespace(name=NAME_SLOT, companies_house_number=NUMBER_SLOT,
                                   country=country, sector=sector, turnover_band=turnover)
        answers = _answers(questionnaire, supplier, rng.choice(QUALITIES), rng)
        profile = InherentProfile(registry_sector=sector, industry=industry,
                                  countries=(country,), contract_value=value)
        result = assess_declaration_answers(model, profile, questionnaire, answers)
        kinds.append(Kind(
            sector=sector, country=country, turnover_band=turnover, category=category, cpv=cpv,
            industry=industry, high_risk=high_risk, value=value,
            answers_json=json.dumps(answers, sort_keys=True),
            canonical_json=canonical_json(questionnaire, answers), assessment=result,
            breakdown_json=json.dumps(result.as_dict()),
            red_flags_json=json.dumps([flag.key for flag in result.red_flags]),
        ))
    return kinds


def _personalise(text: str, name: str, number: str) -> str:
    return text.replace(NAME_SLOT, json.dumps(name)[1:-1]).replace(NUMBER_SLOT, number)


# --- Bulk writing ---------------------------------------------------------------------------


class BulkWriter:
    """executemany on SQLite, COPY on PostgreSQL, straight through the driver."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url)
        self.connection = self.engine.raw_connection()
        self.dialect = self.engine.dialect.name
        self.counts: dict[str, int] = {}

    def _sqlite_value(self, value):
        # SQLAlchemy's SQLite storage formats, so the ORM reads these rows like its own.
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)
        return value

    def _defaults(self, table: str, columns: Sequence[str]) -> tuple[list[str], tuple]:
        """The model's Python-side defaults for the columns not given: raw inserts skip the
        ORM, which would otherwise fill them (NOT NULL counters, JSON lists, timestamps)."""
        from sqlalchemy import JSON

        from supplier_dd.extensions import db

        names, values = [], []
        for column in db.metadata.tables[table].columns:
            if column.name == "council_id" and column.name not in columns \
                    and not column.nullable:
                # A council-owned row not given a council: the first (a single council's).
                names.append(column.name)
                values.append(1)
                continue
            if column.name in columns or column.default is None or column.primary_key:
                continue
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg
            if isinstance(column.type, JSON):
                value = json.dumps(value)
            names.append(column.name)
            values.append(value)
        return names, tuple(values)

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        rows = list(rows)
        if not rows:
            return
        extra_names, extra_values = self._defaults(table, columns)
        if extra_names:
            columns = [*columns, *extra_names]
            rows = [(*row, *extra_values) for row in rows]
        cursor = self.connection.cursor()
        names = ", ".join(columns)
        if self.dialect == "sqlite":
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                               [tuple(self._sqlite_value(v) for v in row) for row in rows])
        else:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        cursor.close()
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def existing_ids(self, table: str) -> set[int]:
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT id FROM {table}")
        ids = {row[0] for row in cursor.fetchall()}
        cursor.close()
        return ids

    def commit(self) -> None:
        self.connection.commit()

    def finish(self, sequences: Iterable[str]) -> None:
        cursor = self.connection.cursor()
        if self.dialect == "postgresql":
            # Explicit ids were written; the next ORM insert must not collide with them.
            for table in sequences:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"COALESCE((SELECT MAX(id) FROM {table}), 1))")
        self.connection.commit()
        if self.dialect == "postgresql":
            # What autovacuum would have done in a council that has run for a while: without the
            # visibility map, counts cannot be answered from an index alone.
            self.connection.driver_connection.autocommit = True
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            self.connection.commit()
        cursor.close()
        self.connection.close()
        self.engine.dispose()


# --- The council ----------------------------------------------------------------------------


def generate(url: str, scale: Scale, seed: int = 11, pool: int = PROFILE_POOL
             ) -> dict[str, int]:
    """Write a council of `scale` into the migrated, empty database at `url`; row counts."""
    from supplier_dd.domain.risk.residual import EXCLUDED_RANK

    rng = random.Random(seed)
    kinds = build_kinds(seed, pool)
    writer = BulkWriter(url)
    councils = scale.councils
    members = council_members(scale, seed)
    # Council 1 is normally the one the migrations made.
    missing = sorted(set(range(1, councils + 1)) - writer.existing_ids("councils"))
    writer.write("councils", ["id", "name", "short_name", "header_text", "time_zone",
                              "pack_approvers", "created_at"],
                 [(c, f"Bench Council {c}", f"bench-{c}", f"Bench Council {c}",
                   "Europe/London", "", NOW) for c in missing])
    officers = OFFICERS_PER_COUNCIL * councils
    writer.write("users", ["id", "email", "name", "role", "active", "created_at",
                           "failed_sign_ins", "council_id"],
                 [(i, f"officer{i}@council.example", f"Officer {i}", "officer", True, NOW, 0,
                   officer_council(i)) for i in range(1, officers + 1)])
    tenders = max(scale.suppliers // 50, 1)
    # Tender t is council ((t - 1) mod councils) + 1's.
    writer.write("tenders", ["id", "reference", "title", "category", "value", "closing_date",
                             "council_id"], [
        (t, f"T-{t:06d}", f"Tender {t}", CATEGORIES[t % len(CATEGORIES)][0],
         Decimal(rng.randrange(10_000, 5_000_000)),
         TODAY - timedelta(days=rng.randint(0, 600)), (t - 1) % councils + 1)
        for t in range(1, tenders + 1)])
    # The first `extra` suppliers also have an earlier, superseded declaration.
    extra = max(scale.declarations - scale.suppliers, 0)
    declaration_id = request_id = schedule_id = reminder_id = 0
    action_id = statement_id = 0
    for start in range(1, scale.suppliers + 1, WRITE_BATCH):
        rows: dict[str, list] = {name: [] for name in (
            "suppliers", "users", "contracts", "invitations", "requests", "declarations",
            "assessments", "summaries", "schedules", "reminders", "outbox", "actions",
            "statements", "links")}
        for i in range(start, min(start + WRITE_BATCH, scale.suppliers + 1)):
            kind = kinds[rng.randrange(len(kinds))]
            home = members[i][0]
            rows["links"].extend((c, i, NOW - timedelta(days=900)) for c in members[i])
            name = f"Bench Supplier {i:07d} Ltd"
            number = f"{i:08d}"
            rows["suppliers"].append((i, name, name.lower(), number, kind.country, kind.sector,
                                      kind.turnover_band, NOW - timedelta(days=900)))
            rows["users"].append((officers + i, f"contact{i}@supplier{i}.example",
                                  f"Contact {i}", "supplier", i, True, NOW, 0))
            # One contract each: the contract is what makes a supplier the council's, and its
            # industry and value are part of the pooled kind's score.
            begins = TODAY - timedelta(days=rng.randint(30, 1500))
            rows["contracts"].append((
                i, f"C-{i:07d}", f"{kind.category} services", kind.category, kind.cpv,
                kind.value, begins, begins + timedelta(days=365 * rng.randint(1, 5)), i,
                kind.industry, kind.high_risk, home))
            if i % 5 == 0 and home <= tenders:
                # One of the home council's tenders (all of them in a single council).
                tender = home + councils * rng.randint(0, (tenders - home) // councils)
                rows["invitations"].append((tender, i))
            submitted = NOW - timedelta(days=rng.randint(1, 330), hours=rng.randint(0, 8))
            versions = [submitted - timedelta(days=365), submitted] if i <= extra else [submitted]
            previous_id = None
            for version, at in enumerate(versions):
                request_id += 1
                declaration_id += 1
                rows["requests"].append((request_id, f"annual:{at.year}:{version}:supplier:{i}",
                                         i, "annual", at.date() + timedelta(days=28),
                                         "modern_slavery", "", at - timedelta(days=14), home))
                canonical = _personalise(kind.canonical_json, name, number)
                current = version == len(versions) - 1
                rows["declarations"].append((
                    declaration_id, i, request_id, "modern_slavery", QUESTIONNAIRE_VERSION,
                    "submitted" if current else "superseded",
                    _personalise(kind.answers_json, name, number), "[]",
                    at - timedelta(days=3), at, canonical,
                    hashlib.sha256(canonical.encode()).hexdigest(), f"Contact {i}", "Director",
                    at, None if current else submitted, previous_id, officers + i))
                previous_id = declaration_id
                schedule_id += 1
                due = (at + timedelta(days=365)).date()
                rows["schedules"].append((
                    schedule_id, i, declaration_id, "active" if current else "completed",
                    at.date(), due, due, "annual", True,
                    (due - timedelta(days=30)) if current else None, at, at,
                    None if current else submitted, home))
                if not current and rng.random() < 0.3:
                    # Last cycle's 30-day reminder, as the sweep would have left it.
                    reminder_id += 1
                    key = f"reattestation:{schedule_id}:30_days:to:{officers + i}"
                    rows["reminders"].append((reminder_id, key, schedule_id, i, due, "30_days",
                                              "supplier", officers + i,
                                              f"contact{i}@supplier{i}.example", "queued",
                                              due - timedelta(days=30), at, home))
                    rows["outbox"].append((key, "reattestation_30_days",
                                           f"contact{i}@supplier{i}.example",
                                           "Your modern slavery declaration is due in 30 days",
                                           "Please review and re-submit your declaration.",
                                           "<p>Please review and re-submit your declaration.</p>",
                                           "sent", 1, at, at))
            result = kind.assessment
            excluded = result.residual.excluded_pending_review
            rank = EXCLUDED_RANK if excluded else result.residual.rank
            rows["assessments"].append((
                i, i, declaration_id, result.model_version, result.model_fingerprint,
                result.inherent.score, result.inherent.band, result.maturity_percent,
                result.residual.score, result.residual.band, result.residual.rank, excluded,
                kind.red_flags_json, kind.breakdown_json, "declaration_submitted", "to_review",
                True, submitted, home))
            # A dashboard row for each council that knows the supplier (all with the home
            # council's assessment: the figures a shared declaration gives each of them).
            rows["summaries"].extend((
                i, name, name.lower(), number, kind.sector, kind.country, result.inherent.score,
                result.inherent.band, result.maturity_percent, result.residual.score,
                result.residual.band, rank, excluded, len(result.red_flags), "to_review", i,
                submitted, "submitted", submitted, (submitted + timedelta(days=365)).date(),
                submitted, council_id) for council_id in members[i])
            if result.residual.band in ("High", "Critical") and rng.random() < 0.5:
                action_id += 1
                rows["actions"].append((action_id, i, i, "Put the findings right",
                                        "From the assessment", "Contact", TODAY +
                                        timedelta(days=rng.randint(-60, 120)),
                                        rng.choice(("open", "responded", "signed_off")),
                                        submitted, home))
            if kind.turnover_band != "under-36m" and rng.random() < 0.7:
                statement_id += 1
                rows["statements"].append((
                    statement_id, 2025, number, name, name.lower(), number,
                    f"https://{number}.example/statement", True, True, True, True,
                    rng.random() < 0.9, rng.random() < 0.8, kind.sector, False, submitted))
        writer.write("suppliers", ["id", "name", "normalised_name", "companies_house_number",
                                   "country", "sector", "turnover_band", "created_at"],
                     rows["suppliers"])
        writer.write("users", ["id", "email", "name", "role", "supplier_id", "active",
                               "created_at", "failed_sign_ins"], rows["users"])
        writer.write("contracts", ["id", "reference", "title", "category", "cpv_code", "value",
                                   "start_date", "end_date", "supplier_id", "ppn_industry",
                                   "ppn_high_risk", "council_id"], rows["contracts"])
        writer.write("council_suppliers", ["council_id", "supplier_id", "linked_at"],
                     rows["links"])
        # Each supplier is invited at most once, so (tender, supplier) pairs never repeat.
        writer.write("tender_invitations", ["tender_id", "supplier_id"], rows["invitations"])
        writer.write("declaration_requests", ["id", "natural_key", "supplier_id", "kind",
                                              "due_date", "questionnaire_id", "note",
                                              "requested_at", "council_id"], rows["requests"])
        writer.write("declarations", [
            "id", "supplier_id", "request_id", "questionnaire_id", "questionnaire_version",
            "status", "answers", "review_question_ids", "created_at", "updated_at",
            "canonical_answers", "answers_sha256", "signatory_name", "signatory_role",
            "submitted_at", "superseded_at", "supersedes_id", "submitted_by_id"],
            rows["declarations"])
        writer.write("risk_assessments", [
            "id", "supplier_id", "declaration_id", "model_version", "model_fingerprint",
            "inherent_score", "inherent_band", "maturity_percent", "residual_score",
            "residual_band", "residual_rank", "excluded_pending_review", "red_flags",
            "breakdown", "reason", "review_status", "is_current", "created_at", "council_id"],
            rows["assessments"])
        writer.write("supplier_risk_summaries", [
            "supplier_id", "name", "search_name", "companies_house_number", "sector", "country",
            "inherent_score", "inherent_band", "maturity_percent", "residual_score",
            "residual_band", "residual_rank", "excluded_pending_review", "red_flag_count",
            "review_status", "assessment_id", "assessed_at", "latest_declaration_status",
            "latest_declaration_at", "next_due_on", "updated_at", "council_id"],
            rows["summaries"])
        writer.write("attestation_schedules", [
            "id", "supplier_id", "declaration_id", "status", "valid_from", "periodic_due_on",
            "due_on", "reason", "holidays_known", "next_reminder_on", "created_at",
            "updated_at", "completed_at", "council_id"], rows["schedules"])
        writer.write("attestation_reminders", [
            "id", "dedupe_key", "schedule_id", "supplier_id", "due_on", "kind", "audience",
            "recipient_user_id", "recipient_email", "status", "decided_on", "decided_at",
            "council_id"], rows["reminders"])
        writer.write("outbox_messages", [
            "dedupe_key", "kind", "recipient", "subject", "body_text", "body_html", "status",
            "attempts", "created_at", "sent_at"], rows["outbox"])
        writer.write("corrective_actions", [
            "id", "supplier_id", "assessment_id", "title", "description", "owner", "due_date",
            "status", "created_at", "council_id"], rows["actions"])
        writer.write("registry_statements", [
            "id", "statement_year", "organisation_key", "organisation_name", "normalised_name",
            "company_number", "statement_url", "includes_organisation_structure",
            "includes_policies", "includes_risk_assessment", "includes_due_diligence",
            "includes_training", "includes_monitoring", "sectors", "group_submission",
            "imported_at"], rows["statements"])
        writer.commit()
    _programme(writer, rng, scale)
    writer.finish(["councils", "users", "tenders", "contracts", "declaration_requests",
                   "declarations", "risk_assessments", "attestation_schedules",
                   "attestation_reminders", "outbox_messages", "corrective_actions",
                   "registry_statements", "action_plans", "action_plan_priorities",
                   "plan_actions", "training_records", "referrals", "charter_evidence"])
    return dict(writer.counts)


def _programme(writer: BulkWriter, rng: random.Random, scale: Scale) -> None:
    """The council's own programme: one action plan, training, referrals, Charter evidence."""
    writer.write("action_plans", ["id", "title", "details", "import_notes", "created_at"],
                 [(1, "Modern slavery action plan 2025-28", "{}", "[]", NOW)])
    writer.write("action_plan_priorities", ["id", "plan_id", "position", "number", "title",
                                            "aim"],
                 [(p, 1, p, str(p), f"Priority {p}", "Reduce the risk") for p in range(1, 6)])
    writer.write("plan_actions", [
        "id", "priority_id", "position", "ref", "description", "lead_officer", "start_date",
        "end_date", "progress", "rag", "updated_at"], [
        (a, 1 + (a - 1) // 6, a, f"{1 + (a - 1) // 6}.{a}", f"Action {a}", "Lead officer",
         date(2025, 4, 1), date(2026, 3, 31), "Under way", rng.choice(("red", "amber", "green")),
         NOW) for a in range(1, 31)])
    groups = ("procurement", "contract_managers", "frontline", "councillors")
    writer.write("training_records", ["id", "staff_group", "course", "completed", "total",
                                      "recorded_on", "notes", "created_at"],
                 [(t, groups[t % 4], "Modern slavery awareness", 40 + t, 60 + 2 * t,
                   date(2025, 4, 1) + timedelta(days=30 * t), "", NOW) for t in range(1, 13)])
    writer.write("referrals", ["id", "referred_on", "referral_type", "service_area", "outcome",
                               "notes", "created_at"],
                 [(r, date(2025, 4, 1) + timedelta(days=rng.randint(0, 364)),
                   rng.choice(("nrm", "duty_to_notify", "concern")), "Housing", "", "", NOW)
                  for r in range(1, max(scale.suppliers // 1_000, 3) + 1)])
    writer.write("charter_evidence", ["id", "commitment", "evidenced_on", "description",
                                      "created_at"],
                 [(c, c, date(2025, 6, 1), f"Evidence for commitment {c}", NOW)
                  for c in range(1, 11)])
    writer.commit()


# --- Cached councils ------------------------------------------------------------------------


def _cache_dir() -> Path | None:
    folder = os.environ.get("BENCH_CACHE_DIR")
    return Path(folder) if folder else None


def migration_head() -> str:
    folder = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    return sorted(p.name for p in folder.glob("[0-9]*.py"))[-1]


def council(kind: str, scale: Scale) -> tuple[str, Callable[[], None], float]:
    """(url, remove, seconds spent generating) of a migrated database holding a council.

    Inside a harness run it is cached: `remove` then does nothing (the harness removes the
    cache at the end) and the seconds are 0 when an earlier benchmark built it.
    """
    from bench.common import migrated_app, scratch_database

    folder = _cache_dir()
    manifest = None
    if folder is not None:
        name = f"council-{kind}-{scale.key}-g{GENERATOR_VERSION}-{migration_head()}.json"
        manifest = folder / name
        if manifest.exists():
            return json.loads(manifest.read_text())["url"], (lambda: None), 0.0
    url, remove = scratch_database(kind, "council")
    started = time.perf_counter()
    app = migrated_app(url)
    with app.app_context():
        from supplier_dd.extensions import db

        db.engine.dispose()
    counts = generate(url, scale)
    elapsed = time.perf_counter() - started
    if manifest is not None:
        manifest.write_text(json.dumps({"url": url, "kind": kind, "counts": counts,
                                        "seconds": elapsed}))
        return url, (lambda: None), elapsed
    return url, remove, elapsed


def prepare(quick: bool) -> list[dict]:
    """Build the run's councils before the benchmarks, in their own process, so generating
    them is neither in a benchmark's time nor in its peak memory; one row per database."""
    from bench.common import BenchResult, databases, peak_rss_mb

    rows = []
    # Which to build: "council" (the single council), "consortium" (the partnership), or both.
    for wanted in os.environ.get("BENCH_PREPARE", "council").split(","):
        scale = scale_for(quick, consortium=wanted == "consortium")
        for kind in databases():
            _url, _remove, elapsed = council(kind, scale)
            rows.append(BenchResult(
                workload=("generate partnership (bulk SQL)" if scale.councils > 1
                          else "generate council (bulk SQL)"),
                database=kind, scale=scale.label,
                median_s=elapsed, p95_s=elapsed, peak_mb=peak_rss_mb(),
                notes="once per run, reused by the benchmarks that read it").as_dict())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generate")
    parser.add_argument("url", help="a migrated, empty database (run `supplier-dd db upgrade`)")
    parser.add_argument("--suppliers", type=int, default=DEFAULT_SCALE.suppliers)
    parser.add_argument("--declarations", type=int)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    scale = Scale(args.suppliers, args.declarations or 2 * args.suppliers)
    started = time.perf_counter()
    counts = generate(args.url, scale, args.seed)
    print(json.dumps(counts, indent=2))
    print(f"{scale.label} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
