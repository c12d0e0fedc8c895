"""What the demo's sessions are about: tools' task mixes, models, projects, prompts and replies.

Plain text tables, no logic: :mod:`.story` draws from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

KINDS_BY_TOOL: Mapping[str, Mapping[str, float]] = {
    "chatgpt": {"writing": 0.21, "research": 0.29, "learning": 0.16, "coding": 0.08,
                "debugging": 0.08, "data": 0.1, "other": 0.08},
    "claude-ai": {"writing": 0.25, "research": 0.29, "learning": 0.14, "coding": 0.08,
                  "debugging": 0.07, "data": 0.1, "other": 0.07},
    "claude-code": {"coding": 0.48, "debugging": 0.30, "data": 0.1, "research": 0.07,
                    "learning": 0.05},
    "codex": {"coding": 0.5, "debugging": 0.32, "data": 0.1, "research": 0.04, "learning": 0.04},
    "copilot": {"coding": 0.48, "debugging": 0.36, "learning": 0.1, "data": 0.06},
}
SECOND_LABEL: Mapping[str, tuple[str, ...]] = {
    "coding": ("debugging", "learning", "data"),
    "debugging": ("coding", "learning"),
    "writing": ("research", "other"),
    "research": ("writing", "learning", "data"),
    "learning": ("coding", "research"),
    "data": ("coding", "research"),
    "other": ("writing", "research"),
}

MODELS: Mapping[str, tuple[tuple[str, float, float, float], ...]] = {
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
class Project:
    path: str
    components: tuple[str, ...]
    files: tuple[str, ...]
    test_command: str
    test_unit: str
    techs: tuple[str, ...]


PROJECTS: tuple[Project, ...] = (
    Project("~/src/billing-api",
             ("payment retry", "invoice export", "webhook handler", "refund flow",
              "tax calculator"),
             ("src/billing/retry.py", "src/api/client.py", "src/billing/invoices.py",
              "src/webhooks/handler.py", "tests/test_retry.py", "src/billing/tax.py"),
             "pytest", "passed", ("SQLAlchemy 2.0", "pydantic v2", "Python 3.12", "async I/O")),
    Project("~/src/web-dashboard",
             ("date picker", "settings page", "login flow", "usage chart", "team invites"),
             ("src/components/DatePicker.tsx", "src/pages/Settings.tsx", "src/api/client.ts",
              "src/hooks/useSession.ts", "tests/settings.spec.ts", "src/charts/Usage.tsx"),
             "npm test", "passed", ("React 19", "TypeScript strict mode", "Vite")),
    Project("~/src/data-pipeline",
             ("CSV importer", "daily report DAG", "dedupe step", "schema validator"),
             ("pipeline/ingest.py", "pipeline/transforms/clean.py", "dags/daily_report.py",
              "tests/test_clean.py", "sql/churn.sql", "pipeline/schema.py"),
             "pytest", "passed", ("Python 3.12", "Polars", "pydantic v2", "DuckDB")),
    Project("~/src/search-service",
             ("search indexer", "rate limiter", "query parser", "result cache"),
             ("internal/index/indexer.go", "internal/api/handler.go", "cmd/server/main.go",
              "internal/index/indexer_test.go", "internal/cache/lru.go"),
             "go test ./...", "ok", ("Go 1.22", "structured logging", "OpenTelemetry")),
    Project("~/work/infra",
             ("VPC module", "deploy pipeline", "staging cluster", "secrets rotation"),
             ("modules/vpc/main.tf", "envs/prod/main.tf", ".github/workflows/deploy.yml",
              "modules/eks/variables.tf", "scripts/rotate_secrets.sh"),
             "terraform plan", "no changes", ("Terraform 1.9", "OpenTofu", "GitHub OIDC")),
)

VOCAB: Mapping[str, tuple[str, ...]] = {
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
OPTION_PAIRS: tuple[tuple[str, str], ...] = (
    ("Postgres", "MySQL"), ("Kafka", "RabbitMQ"), ("Redis", "Memcached"), ("React", "Svelte"),
    ("Terraform", "Pulumi"), ("FastAPI", "Django"), ("Playwright", "Cypress"),
    ("DuckDB", "SQLite"), ("gRPC", "REST"), ("Celery", "RQ"),
)
CONCEPTS: tuple[tuple[str, str], ...] = (
    ("Python", "asyncio cancellation"), ("Python", "descriptors"), ("Python", "GIL contention"),
    ("Python", "generators"), ("Python", "context managers"), ("Rust", "lifetimes"),
    ("Rust", "trait objects"), ("TypeScript", "conditional types"), ("TypeScript", "generics"),
    ("SQL", "window functions"), ("SQL", "isolation levels"), ("Go", "channels"),
    ("Go", "goroutine leaks"), ("Git", "interactive rebase"), ("Postgres", "query plans"),
)

TASKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    # kind: (title, first prompt, first reply) templates over the slots of slots()
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
CODE_TASKS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
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
DONE: Mapping[str, tuple[str, ...]] = {
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
PLANS: tuple[str, ...] = (
    "Let me look at the relevant files first.", "I'll read the code and the failing test.",
    "I'll start by finding where this is called.", "Checking the current behaviour first.",
)
TECH_FOLLOW_UPS: tuple[tuple[str, str], ...] = (
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
GENERAL_FOLLOW_UPS: tuple[tuple[str, str], ...] = (
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
AGENT_FOLLOW_UPS: tuple[str, ...] = (
    "Also cover the empty case.", "Run the full test suite, please.",
    "That broke the build; can you fix it?", "Keep the diff smaller.", "Now update the docs.",
    "Undo the last change, it was wrong.", "Good. Can you add a test for that?",
)
TECH_KINDS: frozenset[str] = frozenset({"coding", "debugging", "data"})

USEFUL_NOTES: tuple[str, ...] = (
    "Saved me a trip to the docs", "Good first draft, edited lightly", "Caught a bug I missed",
    "Would use again for this", "Much faster than searching", "Explained it better than the docs",
)
NOT_USEFUL_NOTES: tuple[str, ...] = (
    "Invented an API that doesn't exist", "Went in circles", "Quicker to write it myself",
    "Confident but wrong", "Only helped as a rubber duck", "Too generic to use",
)


