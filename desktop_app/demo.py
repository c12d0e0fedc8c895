"""Deterministic synthetic sessions and ratings for ``--demo``, trainers and tests (no Qt)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlite_utils import Database

from desktop_app.domain import DEFAULT_LABELS, DEFAULT_REASONS, Message, Rating, Session, Verdict
from desktop_app.metrics.wilson import wilson_interval
from desktop_app.store import save_sessions, set_rating

_T = TypeVar("_T")
_Entry = tuple[str, str, str | None]  # role, text, model of one message

CHAT_TOOLS: frozenset[str] = frozenset({"chatgpt", "claude-ai"})
#: Tools whose logs record token counts (the others leave ``tokens_in``/``tokens_out`` empty).
TOKEN_TOOLS: frozenset[str] = frozenset({"claude-code", "codex"})

# --- the story ---------------------------------------------------------------------------------
# Sessions per month grow geometrically from FIRST_MONTH to LAST_MONTH over 13 full months.
FIRST_MONTH = 44.0
LAST_MONTH = 178.0
FULL_MONTHS = 13
# Relative activity by weekday (Mon..Sun); the sum over a week times 4.345 weeks is one month.
_WEEKDAY_WEIGHT = (1.0, 1.05, 1.05, 1.0, 0.8, 0.14, 0.11)
_MONTH_WEIGHT = sum(_WEEKDAY_WEIGHT) * 365.25 / 12 / 7
# Share of sessions rated: at first (keen), at the end (rating fatigue), in the last complete
# week and in the current week (the Reflect queue's material).
RATE_SHARE_EARLY = 0.50
RATE_SHARE_LATE = 0.29
LAST_WEEK_RATE_SHARE = 0.12
CURRENT_WEEK_RATE_SHARE = 0.05
MIN_LAST_WEEK_SESSIONS = 15
# The story is checked with this margin on top of what a chart needs, and re-rolled (a bounded
# number of times) when the dice blurred it.
STORY_MARGIN = 0.02
STORY_ATTEMPTS = 8

# Tool mix at the start and at the end of the period (interpolated); codex appears at CODEX_FROM.
_TOOL_MIX_EARLY: Mapping[str, float] = {
    "chatgpt": 0.36, "claude-ai": 0.22, "copilot": 0.30, "claude-code": 0.12, "codex": 0.0,
}
_TOOL_MIX_LATE: Mapping[str, float] = {
    "chatgpt": 0.20, "claude-ai": 0.13, "copilot": 0.17, "claude-code": 0.30, "codex": 0.20,
}
CODEX_FROM = 0.3

# Chance that a rated session was useful: per tool at the start and the end of the period, plus a
# per-label shift (averaged over the session's labels).
_USEFUL_EARLY: Mapping[str, float] = {
    "chatgpt": 0.92, "claude-ai": 0.92, "claude-code": 0.92, "codex": 0.78, "copilot": 0.70,
}
_USEFUL_LATE: Mapping[str, float] = {
    "chatgpt": 0.31, "claude-ai": 0.35, "claude-code": 0.80, "codex": 0.46, "copilot": 0.26,
}
_LABEL_SHIFT: Mapping[str, float] = {
    "research": 0.20, "learning": 0.06, "writing": 0.04, "coding": 0.03, "data": 0.0,
    "other": -0.05, "debugging": -0.26,
}

# --- what the sessions are about ---------------------------------------------------------------
_KINDS_BY_TOOL: Mapping[str, Mapping[str, float]] = {
    "chatgpt": {"writing": 0.21, "research": 0.29, "learning": 0.16, "coding": 0.08,
                "debugging": 0.08, "data": 0.1, "other": 0.08},
    "claude-ai": {"writing": 0.25, "research": 0.29, "learning": 0.14, "coding": 0.08,
                  "debugging": 0.07, "data": 0.1, "other": 0.07},
    "claude-code": {"coding": 0.48, "debugging": 0.30, "data": 0.1, "research": 0.07,
                    "learning": 0.05},
    "codex": {"coding": 0.5, "debugging": 0.32, "data": 0.1, "research": 0.04, "learning": 0.04},
    "copilot": {"coding": 0.48, "debugging": 0.36, "learning": 0.1, "data": 0.06},
}
_SECOND_LABEL: Mapping[str, tuple[str, ...]] = {
    "coding": ("debugging", "learning", "data"),
    "debugging": ("coding", "learning"),
    "writing": ("research", "other"),
    "research": ("writing", "learning", "data"),
    "learning": ("coding", "research"),
    "data": ("coding", "research"),
    "other": ("writing", "research"),
}

_MODELS: Mapping[str, tuple[tuple[str, float, float, float], ...]] = {
    # model, available from t, weight early, weight late
    "chatgpt": (("gpt-4o", 0.0, 0.7, 0.1), ("o1", 0.0, 0.2, 0.0), ("gpt-4o-mini", 0.0, 0.1, 0.05),
                ("o3", 0.2, 0.2, 0.15), ("gpt-4.1", 0.25, 0.1, 0.05), ("gpt-5", 0.55, 0.5, 0.65)),
    "claude-ai": (("claude-3-5-sonnet", 0.0, 0.6, 0.0), ("claude-3-7-sonnet", 0.0, 0.4, 0.05),
                  ("claude-sonnet-4", 0.25, 0.6, 0.15), ("claude-opus-4-1", 0.45, 0.2, 0.2),
                  ("claude-sonnet-4-5", 0.65, 0.7, 0.6)),
    "claude-code": (("claude-3-7-sonnet", 0.0, 0.8, 0.0), ("claude-sonnet-4", 0.15, 0.8, 0.15),
                    ("claude-opus-4-1", 0.4, 0.3, 0.25), ("claude-sonnet-4-5", 0.65, 0.7, 0.6)),
    "codex": (("codex-mini-latest", 0.0, 0.6, 0.05), ("gpt-5", 0.4, 0.3, 0.2),
              ("gpt-5-codex", 0.55, 0.6, 0.75)),
    "copilot": (("gpt-4o", 0.0, 0.8, 0.1), ("claude-3-5-sonnet", 0.0, 0.2, 0.0),
                ("gpt-4.1", 0.3, 0.6, 0.3), ("claude-sonnet-4", 0.35, 0.3, 0.3),
                ("gpt-5-mini", 0.6, 0.3, 0.3)),
}


@dataclass(frozen=True)
class _Project:
    path: str
    components: tuple[str, ...]
    files: tuple[str, ...]
    test_command: str
    test_unit: str
    techs: tuple[str, ...]


_PROJECTS: tuple[_Project, ...] = (
    _Project("~/src/billing-api",
             ("payment retry", "invoice export", "webhook handler", "refund flow",
              "tax calculator"),
             ("src/billing/retry.py", "src/api/client.py", "src/billing/invoices.py",
              "src/webhooks/handler.py", "tests/test_retry.py", "src/billing/tax.py"),
             "pytest", "passed", ("SQLAlchemy 2.0", "pydantic v2", "Python 3.12", "async I/O")),
    _Project("~/src/web-dashboard",
             ("date picker", "settings page", "login flow", "usage chart", "team invites"),
             ("src/components/DatePicker.tsx", "src/pages/Settings.tsx", "src/api/client.ts",
              "src/hooks/useSession.ts", "tests/settings.spec.ts", "src/charts/Usage.tsx"),
             "npm test", "passed", ("React 19", "TypeScript strict mode", "Vite")),
    _Project("~/src/data-pipeline",
             ("CSV importer", "daily report DAG", "dedupe step", "schema validator"),
             ("pipeline/ingest.py", "pipeline/transforms/clean.py", "dags/daily_report.py",
              "tests/test_clean.py", "sql/churn.sql", "pipeline/schema.py"),
             "pytest", "passed", ("Python 3.12", "Polars", "pydantic v2", "DuckDB")),
    _Project("~/src/search-service",
             ("search indexer", "rate limiter", "query parser", "result cache"),
             ("internal/index/indexer.go", "internal/api/handler.go", "cmd/server/main.go",
              "internal/index/indexer_test.go", "internal/cache/lru.go"),
             "go test ./...", "ok", ("Go 1.22", "structured logging", "OpenTelemetry")),
    _Project("~/work/infra",
             ("VPC module", "deploy pipeline", "staging cluster", "secrets rotation"),
             ("modules/vpc/main.tf", "envs/prod/main.tf", ".github/workflows/deploy.yml",
              "modules/eks/variables.tf", "scripts/rotate_secrets.sh"),
             "terraform plan", "no changes", ("Terraform 1.9", "OpenTofu", "GitHub OIDC")),
)

_VOCAB: Mapping[str, tuple[str, ...]] = {
    "component": ("payment retry", "login flow", "CSV importer", "rate limiter", "session cache",
                  "email digest", "audit log", "PDF renderer", "upload service", "API client",
                  "report builder", "notification queue"),
    "feature": ("pagination", "retry with backoff", "dark mode", "CSV export", "soft delete",
                "bulk edit", "request tracing", "an admin filter", "optimistic locking",
                "idempotency keys", "i18n support", "a health check"),
    "tech": ("SQLAlchemy 2.0", "pydantic v2", "React 19", "Python 3.12", "async I/O",
             "TypeScript strict mode", "Postgres 16", "structured logging"),
    "symptom": ("a memory leak", "a race condition", "timeouts under load", "an off-by-one error",
                "a deadlock", "duplicate rows", "a 500 on empty input", "slow queries",
                "a timezone bug", "stale cache reads", "an encoding error"),
    "error": ("TypeError: 'NoneType' object is not subscriptable",
              "AssertionError: expected 3 retries, got 2",
              "TimeoutError: request took longer than 30s", "KeyError: 'customer_id'",
              "deadlock detected while waiting for ShareLock",
              "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9",
              "panic: runtime error: index out of range [3] with length 3",
              "Uncaught TypeError: Cannot read properties of undefined (reading 'map')"),
    "doc": ("Q1 board notes", "Q2 board notes", "Q3 board notes", "Q4 board notes",
            "the incident postmortem", "the onboarding guide", "the quarterly roadmap",
            "the vendor contract", "the search design doc", "last week's retro notes",
            "the security review", "the hiring plan", "customer interview notes",
            "the 4.2 release notes", "the OKR draft"),
    "doc_kind": ("an email", "a project update", "a job ad", "a status report",
                 "an announcement", "a proposal", "a meeting agenda"),
    "audience": ("the leadership team", "new hires", "customers", "the finance team",
                 "engineering", "a partner company", "the board"),
    "purpose": ("a job queue", "session storage", "an analytics warehouse", "end-to-end tests",
                "an internal dashboard", "infra as code", "a public API", "event sourcing"),
    "topic": ("four-day work weeks", "pricing models for B2B SaaS", "vector databases",
              "zero-trust networking", "carbon accounting tools", "EU AI Act obligations",
              "remote onboarding", "feature flag platforms", "on-call burnout",
              "open-source licences for SDKs"),
    "metric": ("monthly churn", "revenue", "active users", "ticket volume", "conversion rate",
               "p95 latency", "refunds"),
    "dim": ("region", "plan", "week", "channel", "team"),
    "dataset": ("the sales export", "survey results", "support tickets", "web analytics",
                "the expense report", "sensor readings"),
    "event": ("a team offsite", "a birthday party", "a 10k training block", "a conference talk",
              "a garden makeover", "a weekend in Lisbon"),
}
_OPTION_PAIRS: tuple[tuple[str, str], ...] = (
    ("Postgres", "MySQL"), ("Kafka", "RabbitMQ"), ("Redis", "Memcached"), ("React", "Svelte"),
    ("Terraform", "Pulumi"), ("FastAPI", "Django"), ("Playwright", "Cypress"),
    ("DuckDB", "SQLite"), ("gRPC", "REST"), ("Celery", "RQ"),
)
_CONCEPTS: tuple[tuple[str, str], ...] = (
    ("Python", "asyncio cancellation"), ("Python", "descriptors"), ("Python", "GIL contention"),
    ("Python", "generators"), ("Python", "context managers"), ("Rust", "lifetimes"),
    ("Rust", "trait objects"), ("TypeScript", "conditional types"), ("TypeScript", "generics"),
    ("SQL", "window functions"), ("SQL", "isolation levels"), ("Go", "channels"),
    ("Go", "goroutine leaks"), ("Git", "interactive rebase"), ("Postgres", "query plans"),
)

_TASKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    # kind: (title, first prompt, first reply) templates over the slots of _slots()
    "coding": (
        ("Add {feature} to {component}",
         "I need {feature} in the {component}. Keep the public interface the same.",
         "Here is a version with {feature}; the change stays inside the {component}, so the "
         "callers don't change."),
        ("Refactor {component} for readability",
         "Can you refactor the {component}? It has grown into one 300-line function.",
         "I split the {component} into three functions: parsing, validation and the side "
         "effects. Behaviour is unchanged."),
        ("Write unit tests for {component}",
         "Please write tests for the {component}, including the unhappy paths.",
         "Here are twelve tests: the happy path, empty input, duplicates and a timeout."),
        ("Migrate {component} to {tech}",
         "We are moving the {component} to {tech}. What has to change?",
         "The main risk in moving to {tech} is the session handling; here is the order I'd "
         "migrate in."),
        ("Add type hints to {component}",
         "Add type hints to the {component} so that mypy --strict passes.",
         "Done for the public functions; two places needed a Protocol instead of a concrete "
         "class."),
        ("Review the PR for {component}",
         "Review this diff to the {component}. Anything risky?",
         "Two things: the new query runs once per row, and the error path swallows the "
         "exception."),
    ),
    "debugging": (
        ("Fix flaky test in {component}",
         "This test in the {component} fails about one run in ten:\n{error}",
         "The test depends on the wall clock; inject the clock and the flake goes away."),
        ("Debug {symptom} in {component}",
         "The {component} shows {symptom} since yesterday's deploy:\n{error}\n"
         "Where should I look?",
         "The most likely cause is shared state: two workers read the same row before either "
         "writes. Make the update atomic."),
        ("Track down {symptom} in {component}",
         "We see {symptom} in the {component}, only in production. How do I narrow it down?",
         "Log the request id and timings around the {component} first, then bisect the last "
         "deploys."),
        ("Why {component} fails in CI",
         "The {component} passes locally but fails in CI with:\n{error}",
         "CI runs the tests in parallel and the {component} writes to a fixed temp path; use a "
         "folder per test."),
    ),
    "writing": (
        ("Summarise {doc}",
         "Summarise {doc} in five bullet points for {audience}.",
         "Five bullets for {audience}, decisions first, no jargon."),
        ("Draft {doc_kind} for {audience}",
         "Draft {doc_kind} for {audience} about {doc}. Friendly but short.",
         "Draft below. I kept the numbers from {doc} and cut the background section."),
        ("Rewrite {doc} for {audience}",
         "Rewrite {doc} for {audience}; it reads too much like an internal memo.",
         "Rewritten for {audience}: shorter sentences, and the ask is in the first paragraph."),
        ("Tighten the intro of {doc}",
         "The intro of {doc} is too long. Tighten it without losing the key numbers.",
         "Cut from 180 to 70 words; the numbers are all still there."),
        ("Find gaps in {doc}",
         "Here is {doc}. What is unclear or missing?",
         "Main gaps: no owner for the next step and no date. Suggested wording below."),
    ),
    "research": (
        ("Compare {opt_a} vs {opt_b} for {purpose}",
         "{opt_a} or {opt_b} for {purpose}? We are a team of six, mostly Python.",
         "Short version: {opt_a} if you want fewer moving parts, {opt_b} if you need its "
         "ecosystem. Details below."),
        ("Options for {purpose}",
         "What are the main options for {purpose}, and what does each cost to run?",
         "Three realistic options for {purpose}, with rough costs and what each is bad at."),
        ("Pros and cons of {topic}",
         "Give me a balanced overview of {topic}, with sources I can check.",
         "The evidence on {topic} is mixed; here are the best sources and what they actually "
         "measured."),
        ("Arguments against {topic}",
         "What are the strongest arguments against {topic}?",
         "The three strongest objections, each with the best counter-argument."),
        ("Reading list on {topic}",
         "I have a week to get up to speed on {topic}. What should I read, in what order?",
         "Two overview articles first, then the primary sources; a five-day plan below."),
    ),
    "learning": (
        ("Explain {lang} {concept}",
         "Explain {concept} in {lang} like I know the basics but not the internals.",
         "Think of it as a contract between caller and callee; here is a ten-line {lang} "
         "example."),
        ("How does {concept} work in {lang}",
         "How does {concept} actually work in {lang}?",
         "Step by step, with what happens at run time at each step."),
        ("{lang} {concept} with examples",
         "I keep getting {concept} in {lang} wrong. Can you show small examples?",
         "The common mistake is assuming it happens immediately. Three examples below."),
        ("Quiz me on {lang} {concept}",
         "Quiz me on {concept} in {lang}, one question at a time.",
         "Question 1: what does this snippet print, and why?"),
    ),
    "data": (
        ("SQL query for {metric} by {dim}",
         "I need {metric} by {dim} from the orders table. Columns: id, created_at, {dim}, "
         "amount.",
         "Here is the query: group by {dim}, then a window function over the months."),
        ("Clean up {dataset} CSV",
         "{dataset} has mixed date formats and duplicate ids. How do I clean it?",
         "Normalise the dates first, then drop duplicates keeping the latest row. Code below."),
        ("Pivot {dataset} by {dim}",
         "Pivot {dataset} so that each {dim} is a column and each week a row.",
         "Use pivot_table with the week as the index, and fill the gaps with 0, not NaN."),
        ("Chart {metric} by {dim}",
         "How would you chart {metric} by {dim} so that the trend is obvious?",
         "Small multiples: one line chart of {metric} per {dim}, all on the same y-axis."),
        ("Find outliers in {dataset}",
         "Are there outliers in {dataset} I should worry about?",
         "Seven rows are more than 3 IQR out; four of them look like data-entry errors."),
    ),
    "other": (
        ("Plan {event}",
         "Help me plan {event}. Budget is tight and we have three weeks.",
         "Here is a plan for {event} in three phases, with a rough budget."),
        ("Checklist for {event}",
         "Make a checklist for {event}, ordered by what has a deadline.",
         "Checklist below, grouped by week, with the things that need booking first."),
        ("Budget for {event}",
         "What would {event} cost, roughly? Give me a low and a high estimate.",
         "Low and high estimates by line item; the big variable is travel."),
    ),
}
#: Coding tools work on a repository: their research and learning tasks are about the code.
_CODE_TASKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "research": (
        ("Compare {opt_a} vs {opt_b} for {purpose}",
         "Look at how we use {opt_a} here. Would {opt_b} be a better fit for {purpose}?",
         "Let me see how {opt_a} is wired in first."),
        ("How does the {component} work",
         "Read the code and explain how the {component} works end to end.",
         "I'll trace a request through the {component}."),
    ),
    "learning": (
        ("Explain {lang} {concept} in this code",
         "Where does this code rely on {concept}? I'm new to {lang}.",
         "I'll find the places where {concept} matters."),
        ("Walk me through the {component}",
         "I'm new to this repository. Walk me through the {component}.",
         "I'll start from the entry point of the {component}."),
    ),
}
_DONE: Mapping[str, tuple[str, ...]] = {
    "coding": (
        "Done: the change is in place and the tests pass.",
        "Implemented; I also updated the docstring and added two tests.",
        "I've made the change; one test still fails for an unrelated reason.",
        "Updated the code; please review the diff before merging.",
    ),
    "debugging": (
        "Fixed. The cause was a missing await; I added a regression test.",
        "Found it: the cache key ignored the tenant id. Fixed and tested.",
        "I couldn't reproduce the failure locally; I added logging so the next CI run shows "
        "more.",
        "The fix is in, but I'm not sure it is the root cause; the test passed 20 runs in a row.",
    ),
    "data": (
        "The query is in place, with a test on a small fixture.",
        "Cleaned: 312 duplicates dropped and the dates normalised to ISO 8601.",
        "The chart script is written; the numbers for one {dim} look off, worth a look.",
    ),
    "research": (
        "Summary: {opt_a} fits our usage better; moving would touch four modules.",
        "The {component} works in three stages; I wrote the outline into NOTES.md.",
    ),
    "learning": (
        "Here is how {concept} shows up in this code, with the two places where it matters.",
        "That's the whole path through the {component}; the tricky part is the retry logic.",
    ),
}
_PLANS: tuple[str, ...] = (
    "Let me look at the relevant files first.", "I'll read the code and the failing test.",
    "I'll start by finding where this is called.", "Checking the current behaviour first.",
)
_TECH_FOLLOW_UPS: tuple[tuple[str, str], ...] = (
    ("That didn't fix it, same error.",
     "Then the cause is earlier: let's check where the value is created. Add this log line."),
    ("Can you show the whole function?", "Here is the whole function with the change in place."),
    ("What would you test first?",
     "The empty input and the retry path; those are where it broke before."),
    ("How do I roll that out safely?",
     "Behind a feature flag, 5 % of traffic first, with an alert on the error rate."),
    ("Is there a simpler way?",
     "Yes, if you accept one extra query: here is a version half as long."),
    ("That API doesn't exist in our version.",
     "You're right, it was added later. For your version use the older call below."),
    ("Why not just use a library for this?",
     "You could; the trade-off is one more dependency for about 40 lines of code."),
)
_GENERAL_FOLLOW_UPS: tuple[tuple[str, str], ...] = (
    ("Make it shorter.", "Shorter version below, about half the length."),
    ("Can you make the tone less formal?", "Here it is in a more relaxed tone."),
    ("What are the downsides?",
     "The main downside is the time it takes to set up; after that it is cheap."),
    ("Where did that number come from?",
     "I can't point to a source for that figure; treat it as a guess and check it."),
    ("Explain the second point again.", "Sure, here it is step by step, with an example."),
    ("Can you put that in a table?", "Here it is as a table, one row per option."),
    ("Thanks. Anything I missed?",
     "One thing: nobody owns the follow-up yet. Name a person and a date."),
)
_AGENT_FOLLOW_UPS: tuple[str, ...] = (
    "Also cover the empty case.", "Run the full test suite, please.",
    "That broke the build; can you fix it?", "Keep the diff smaller.", "Now update the docs.",
    "Undo the last change, it was wrong.", "Good. Can you add a test for that?",
)
_TECH_KINDS: frozenset[str] = frozenset({"coding", "debugging", "data"})

_USEFUL_NOTES: tuple[str, ...] = (
    "Saved me a trip to the docs", "Good first draft, edited lightly", "Caught a bug I missed",
    "Would use again for this", "Much faster than searching", "Explained it better than the docs",
)
_NOT_USEFUL_NOTES: tuple[str, ...] = (
    "Invented an API that doesn't exist", "Went in circles", "Quicker to write it myself",
    "Confident but wrong", "Only helped as a rubber duck", "Too generic to use",
)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    names = [name for name, weight in weights.items() if weight > 0]
    return rng.choices(names, [weights[name] for name in names])[0]


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[rng.randrange(len(items))]


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _plan_days(rng: random.Random, start: date, today: date) -> list[int]:
    """How many sessions start on each day from ``start`` to ``today`` (usage grows steadily)."""
    growth = (LAST_MONTH / FIRST_MONTH) ** (1 / (FULL_MONTHS - 1))
    counts: list[int] = []
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        months = offset / (365.25 / 12)
        expected = FIRST_MONTH * growth**months * _WEEKDAY_WEIGHT[day.weekday()] / _MONTH_WEIGHT
        if day == today:
            expected *= 0.5  # only the morning of today has happened
        counts.append(int(expected + rng.random()))
    # The Reflect queue needs material in the last complete week, whatever the dice said.
    week = (today - start).days - today.weekday() - 7
    day_index = week
    while sum(counts[week:week + 7]) < MIN_LAST_WEEK_SESSIONS:
        counts[day_index] += 1
        day_index = week + (day_index - week + 1) % 5
    return counts


def _start_times(rng: random.Random, day: date, count: int, is_today: bool) -> list[datetime]:
    times: list[datetime] = []
    for _ in range(count):
        if is_today:
            hour = rng.randint(6, 10)
        elif day.weekday() >= 5:
            hour = rng.randint(9, 20)
        else:
            hour = rng.choices(range(7, 19), (4, 8, 12, 12, 10, 5, 9, 12, 11, 8, 5, 2))[0]
        clock = time(hour, rng.randrange(60), rng.randrange(60), tzinfo=UTC)
        times.append(datetime.combine(day, clock))
    return sorted(times)


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _model(rng: random.Random, tool: str, t: float) -> str:
    weights = {name: early + (late - early) * t
               for name, since, early, late in _MODELS[tool] if t >= since}
    return _weighted(rng, weights)


def _slots(rng: random.Random, project: _Project | None) -> dict[str, str]:
    slots = {name: _pick(rng, values) for name, values in _VOCAB.items()}
    if project is not None:
        slots["component"] = _pick(rng, project.components)
        slots["tech"] = _pick(rng, project.techs)
    slots["opt_a"], slots["opt_b"] = _pick(rng, _OPTION_PAIRS)
    slots["lang"], slots["concept"] = _pick(rng, _CONCEPTS)
    return slots


def _fill(template: str, slots: Mapping[str, str]) -> str:
    text = template.format_map(slots)
    return text[0].upper() + text[1:]


def _follow_ups(rng: random.Random, kind: str, count: int) -> list[tuple[str, str]]:
    pool = _TECH_FOLLOW_UPS if kind in _TECH_KINDS else _GENERAL_FOLLOW_UPS
    return rng.sample(pool, min(count, len(pool)))


def _chat_messages(rng: random.Random, kind: str, slots: Mapping[str, str],
                   task: tuple[str, str, str], model: str) -> list[_Entry]:
    turns = rng.choices((1, 2, 3, 4, 5), (30, 35, 20, 10, 5))[0]
    entries: list[_Entry] = [("user", _fill(task[1], slots), None),
                            ("assistant", _fill(task[2], slots), model)]
    for question, answer in _follow_ups(rng, kind, turns - 1):
        entries.append(("user", question, None))
        entries.append(("assistant", answer, model))
    return entries


def _tool_entry(rng: random.Random, tool: str, project: _Project, read_only: bool) -> str:
    path = _pick(rng, project.files)
    roll = rng.random() * (0.75 if read_only else 1.0)
    if roll < 0.25 or (read_only and roll < 0.55):
        return f"Read {path}"
    if read_only or roll < 0.4:
        word = path.rsplit("/", 1)[-1].split(".")[0]
        return f'Searched for "{word}" in the project ({rng.randint(1, 14)} matches)'
    if roll < 0.7:
        added, removed = rng.randint(2, 60), rng.randint(0, 25)
        verb = "Applied patch to" if tool == "codex" else "Edited"
        return f"{verb} {path} (+{added} -{removed})"
    if project.test_unit == "no changes":
        return f"Ran {project.test_command}: {rng.randint(1, 6)} to change, 0 to destroy"
    passed = rng.randint(3, 180)
    failed = rng.choice((0, 0, 0, 1, 2))
    failures = f"{failed} failed, " if failed else ""
    return f"Ran {project.test_command}: {failures}{passed} {project.test_unit}"


def _coding_messages(rng: random.Random, kind: str, slots: Mapping[str, str],
                     task: tuple[str, str, str], model: str, tool: str,
                     project: _Project) -> list[_Entry]:
    target = rng.randint(3, 10)
    read_only = kind in ("research", "learning")
    entries: list[_Entry] = []
    prompt = _fill(task[1], slots)
    follow_ups = rng.sample(_AGENT_FOLLOW_UPS, 3)
    while len(entries) < target and follow_ups:
        step: list[_Entry] = [("user", prompt, None)]
        if not entries and kind in _CODE_TASKS:
            step.append(("assistant", _fill(task[2], slots), model))
        elif rng.random() < 0.6:
            step.append(("assistant", _pick(rng, _PLANS), model))
        step.extend(("tool", _tool_entry(rng, tool, project, read_only), None)
                    for _ in range(rng.randint(1, 3)))
        step.append(("assistant", _fill(_pick(rng, _DONE[kind]), slots), model))
        if entries and len(entries) + len(step) > target:
            break
        entries.extend(step)
        prompt = follow_ups.pop()
    return entries


def _timed(rng: random.Random, entries: list[_Entry], start: datetime,
           minutes: float) -> tuple[Message, ...]:
    span = int(minutes * 60)
    offsets = sorted(rng.randint(0, span) for _ in range(len(entries) - 2))
    seconds = [0, *offsets, span]
    return tuple(
        Message(role=role, text=text, time=start + timedelta(seconds=second), model=model)
        for (role, text, model), second in zip(entries, seconds, strict=True)
    )


def _rating(rng: random.Random, tool: str, kind: str, t: float, ended: datetime,
            latest: datetime) -> Rating:
    labels = [kind]
    if rng.random() < 0.25:
        labels.append(_pick(rng, _SECOND_LABEL[kind]))
    chance = _USEFUL_EARLY[tool] + (_USEFUL_LATE[tool] - _USEFUL_EARLY[tool]) * t
    chance += sum(_LABEL_SHIFT[label] for label in labels) / len(labels)
    useful = rng.random() < min(0.97, max(0.03, chance))
    minutes: int | None = None
    reason: str | None = None
    note: str | None = None
    if useful:
        if rng.random() < 0.88:
            scale = 1.5 if tool not in CHAT_TOOLS else 1.0
            minutes = int(rng.choice((5, 5, 10, 10, 15, 15, 20, 30, 30, 45, 60)) * scale)
            minutes = min(60, 5 * round(minutes / 5))
        if rng.random() < 0.1:
            note = _pick(rng, _USEFUL_NOTES)
    else:
        if rng.random() < 0.75:
            minutes = rng.choice((0, 0, 0, -5, -10, -10, -15, -20, -30))
        if rng.random() < 0.85:
            reason = rng.choices(DEFAULT_REASONS, (30, 25, 25, 12, 8))[0]
        if rng.random() < 0.1:
            note = _pick(rng, _NOT_USEFUL_NOTES)
    roll = rng.random()
    if roll < 0.6:
        delay = timedelta(minutes=rng.randint(1, 90))
    elif roll < 0.85:
        delay = timedelta(hours=rng.randint(2, 30))
    else:
        delay = timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
    return Rating(
        verdict=Verdict.USEFUL if useful else Verdict.NOT_USEFUL,
        minutes_saved=minutes,
        labels=tuple(label for label in DEFAULT_LABELS if label in labels),
        reason=reason,
        note=note,
        rated_at=min(ended + delay, max(latest, ended)),
    )


def _session(rng: random.Random, started: datetime, t: float) -> tuple[Session, str]:
    """One session starting at ``started``, ``t`` of the way through the period; and its kind."""
    mix = {tool: early + (_TOOL_MIX_LATE[tool] - early) * t
           for tool, early in _TOOL_MIX_EARLY.items()}
    if t < CODEX_FROM:
        mix["codex"] = 0.0
    tool = _weighted(rng, mix)
    kind = _weighted(rng, _KINDS_BY_TOOL[tool])
    model = _model(rng, tool, t)
    project = None if tool in CHAT_TOOLS else _pick(rng, _PROJECTS)
    slots = _slots(rng, project)
    task = _pick(rng, _TASKS[kind] if project is None else _CODE_TASKS.get(kind, _TASKS[kind]))
    tokens_in: int | None = None
    tokens_out: int | None = None
    if project is None:
        entries = _chat_messages(rng, kind, slots, task, model)
        minutes = min(40.0, max(2.0, len(entries) * rng.uniform(0.8, 4.0) + rng.uniform(0, 6)))
    else:
        entries = _coding_messages(rng, kind, slots, task, model, tool, project)
        minutes = min(120.0, max(5.0, len(entries) * rng.uniform(2.5, 12.0)
                                 + rng.uniform(0, 15)))
    if tool in TOKEN_TOOLS:
        # Agents re-send the conversation every turn, so input (mostly cache reads) dwarfs output.
        per_minute = rng.uniform(6_000, 20_000) if tool == "claude-code" else \
            rng.uniform(4_000, 14_000)
        tokens_in = int(min(2_000_000, max(50_000, minutes * per_minute)))
        tokens_out = int(tokens_in * rng.uniform(0.006, 0.03))
    messages = _timed(rng, entries, started, minutes)
    session = Session(
        source=tool,
        external_id=_uuid(rng),
        title=_fill(task[0], slots),
        started_at=started,
        ended_at=messages[-1].time,
        messages=messages,
        model=model,
        tokens_in=tokens_in,
        tokens_out=tokens_out,
        project=None if project is None else project.path,
    )
    return session, kind


def _build(today: date, seed: int, attempt: int) -> list[tuple[Session, Rating | None]]:
    # ``today`` is part of the seed: another day is another data set, never a partial replay of
    # this one (one stream started elsewhere would repeat some draws, ids included).
    rng = random.Random(f"worthwhile-demo/{seed}/{today.isoformat()}/{attempt}")
    start = _months_before(today, FULL_MONTHS)
    total_days = (today - start).days
    counts = _plan_days(rng, start, today)
    this_monday = total_days - today.weekday()
    last_monday = this_monday - 7
    # Pick exactly which sessions of the two recent weeks are rated, so the shares are certain.
    last_week_n = sum(counts[last_monday:this_monday])
    this_week_n = sum(counts[this_monday:])
    last_week_rated = set(rng.sample(
        range(last_week_n), min(last_week_n // 5, round(LAST_WEEK_RATE_SHARE * last_week_n))))
    this_week_rated = set(rng.sample(
        range(this_week_n), min(this_week_n // 10, round(CURRENT_WEEK_RATE_SHARE * this_week_n))))
    latest = datetime.combine(today, time(23, 59, 59, tzinfo=UTC))
    pairs: list[tuple[Session, Rating | None]] = []
    seen_last_week = seen_this_week = 0
    for offset, count in enumerate(counts):
        day = start + timedelta(days=offset)
        t = offset / total_days
        for started in _start_times(rng, day, count, day == today):
            session, kind = _session(rng, started, t)
            if offset >= this_monday:
                rated = seen_this_week in this_week_rated
                seen_this_week += 1
            elif offset >= last_monday:
                rated = seen_last_week in last_week_rated
                seen_last_week += 1
            else:
                rated = rng.random() < RATE_SHARE_EARLY + (RATE_SHARE_LATE - RATE_SHARE_EARLY) * t
            ended = session.ended_at or started
            pairs.append((session, _rating(rng, session.source, kind, t, ended, latest)
                          if rated else None))
    return pairs


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval (0..1 when there is nothing to go on)."""
    return wilson_interval(successes, n) if n else (0.0, 1.0)


def _tells_story(pairs: list[tuple[Session, Rating | None]], today: date) -> bool:
    """Whether the dice told the designed story clearly, with a margin over what a chart shows."""
    first_month = _months_before(today, FULL_MONTHS)
    tallies: dict[str, list[int]] = {}
    for session, rating in pairs:
        if rating is None or session.started_at is None:
            continue
        month = (session.started_at.year - first_month.year) * 12 \
            + session.started_at.month - first_month.month
        groups = [session.source, *rating.labels]
        if month < 4:
            groups.append("first 4 months")
        elif month > FULL_MONTHS - 4:
            groups.append("last 4 months")
        for group in groups:
            tally = tallies.setdefault(group, [0, 0])
            tally[0] += rating.verdict is Verdict.USEFUL
            tally[1] += 1

    def share(group: str) -> float:
        useful, rated = tallies.get(group, (0, 0))
        return useful / rated if rated else 0.0

    def beats(better: str, worse: str) -> bool:
        return _wilson(*tallies.get(better, (0, 0)))[0] > _wilson(*tallies.get(worse, (0, 0)))[1] \
            + STORY_MARGIN

    return (share("first 4 months") - share("last 4 months") > 0.15 + STORY_MARGIN
            and beats("claude-code", "copilot") and beats("research", "debugging"))


def demo_sessions(today: date | None = None,
                  seed: int = 2026) -> Iterator[tuple[Session, Rating | None]]:
    """Yield the demo data set, oldest session first, each with its rating (``None``: unrated).

    About 14 months of sessions ending on ``today`` (default: the real date): usage climbs month
    over month while the share of useful sessions drifts down; Claude Code beats Copilot and
    research beats debugging. About a third are rated, but hardly any in the last complete week
    and the current one, so the Reflect queue has material. The same ``today`` and ``seed``
    always give the same sessions, ids, text and ratings; nothing reads the clock otherwise.
    """
    if today is None:
        today = date.today()
    # The verdicts are dice rolls, so once in a while they blur the story (about one day in a
    # hundred); then the next roll of the same day is used, so a trainer's chart always shows it.
    pairs = _build(today, seed, 0)
    attempt = 1
    while attempt < STORY_ATTEMPTS and not _tells_story(pairs, today):
        pairs = _build(today, seed, attempt)
        attempt += 1
    yield from pairs


def generate_demo(db: Database, today: date | None = None, seed: int = 2026) -> int:
    """Write the :func:`demo_sessions` data set into ``db`` in one transaction.

    Sessions go through :func:`desktop_app.store.save_sessions`, ratings through
    :func:`desktop_app.store.set_rating`. Returns how many sessions the data set holds.
    """
    ratings: list[tuple[str, Rating]] = []

    def sessions() -> Iterator[Session]:
        for session, rating in demo_sessions(today, seed):
            if rating is not None:
                ratings.append((session.id, rating))
            yield session

    with db.atomic():
        counts = save_sessions(db, sessions())
        for session_id, rating in ratings:
            set_rating(db, session_id, rating)
    return counts.new + counts.updated + counts.unchanged
