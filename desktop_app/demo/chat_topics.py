"""What people ask the chat apps (ChatGPT, Claude and the other chat sources) in the demo.

Each entry is a topic record (:class:`~desktop_app.demo.corpus.Topic`): a title with the prompt
and the answer written for it. A few families (concepts to learn, documents to work on, data sets,
events to plan) share a handful of title forms; each member carries its own facts, and a form
only uses the facts of its member, so every title still has an answer that fits it.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.demo.corpus import Topic


def _topic(kind: str, title: str, key: str, prompt: str, reply: str,
           *follow_ups: tuple[str, str]) -> Topic:
    return Topic(kind=kind, title=title, key=key, prompt=prompt, reply=reply,
                 follow_ups=follow_ups)


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


# --- learning: concepts, each explained, shown by example and quizzed --------------------------

@dataclass(frozen=True)
class _Concept:
    lang: str
    subject: str  # as a title names it
    phrase: str  # as a sentence names it
    key: str
    gist: str
    example: str
    pitfall: str
    question: str


_CONCEPTS: tuple[_Concept, ...] = (
    _Concept(
        "Python", "Python asyncio cancellation", "asyncio cancellation", "cancellation",
        "Cancelling a task raises CancelledError inside it at its next await, so cancellation "
        "is cooperative: code between two awaits always runs to the end.",
        "For example, a task sleeping in await asyncio.sleep(10) gets CancelledError from that "
        "line; a finally block around it still runs, so it can close its connection.",
        "The usual mistake with cancellation is catching it with a bare except and carrying "
        "on, which makes the task impossible to stop; catch it only to clean up, then re-raise.",
        "Question 1: a task is cancelled while it sleeps inside try/except Exception. Does the "
        "except clause catch the cancellation, and why?"),
    _Concept(
        "Python", "Python descriptors", "descriptors", "descriptors",
        "Descriptors are objects with __get__ (and often __set__) stored on a class; attribute "
        "lookup calls them, which is how property, methods and classmethod work.",
        "For example, a ten-line Positive descriptor can reject negative values on every "
        "assignment to price or quantity, without writing a property for each.",
        "A common surprise with descriptors is storing the value on the descriptor itself, "
        "which shares it between all instances; store it in the instance's __dict__ instead.",
        "Question 1: a class has a data descriptor named x, and the instance's __dict__ also "
        "has an x. Which one does obj.x return?"),
    _Concept(
        "Python", "Python generators", "generators", "generators",
        "A generator function returns an iterator that runs its body lazily: it pauses at each "
        "yield and resumes on the next call to next(). That is what makes generators cheap.",
        "For example, one generator can yield a big file line by line, keeping one line in "
        "memory at a time, and a second generator can filter those lines without a list.",
        "The usual mistake with generators is looping over the same one twice: the second loop "
        "gets nothing, because a generator is used up after one pass.",
        "Question 1: what does list(g) return the second time you call it on the same "
        "generator g, and why?"),
    _Concept(
        "Python", "Python context managers", "context managers", "context managers",
        "Context managers pair setup with guaranteed cleanup: with calls __enter__, runs the "
        "block, then calls __exit__ even when the block raises.",
        "For example, contextlib.contextmanager turns a generator with one yield into one of "
        "these context managers: the code before the yield is the setup, the code after it the "
        "cleanup.",
        "A common mistake with context managers written with @contextmanager is leaving out "
        "try/finally around the yield, so the cleanup is skipped when the block raises.",
        "Question 1: what happens to an exception raised inside the with block when __exit__ "
        "returns True?"),
    _Concept(
        "Python", "the Python GIL", "the GIL", "GIL",
        "The GIL lets only one thread run Python bytecode at a time, so threads help when they "
        "wait on I/O but not when they compute.",
        "For example, two threads summing numbers take as long as one, because they take turns "
        "holding the GIL; two processes take half the time.",
        "The usual misunderstanding about the GIL is that it makes your code thread-safe: it "
        "protects the interpreter's internals, not your data, so a shared counter still needs a "
        "lock.",
        "Question 1: does a thread that is blocked reading from a socket hold the GIL while it "
        "waits?"),
    _Concept(
        "Python", "Python dataclasses", "dataclasses", "dataclasses",
        "Dataclasses generate __init__, __repr__ and __eq__ from annotated fields; frozen=True "
        "also blocks assignment after the object is created.",
        "For example, a Point dataclass with two float fields gives you Point(1, 2), a readable "
        "repr and equality by value, with no boilerplate.",
        "A common trap with dataclasses is a mutable default like a list: it needs "
        "field(default_factory=list), or every instance would share one list.",
        "Question 1: can a frozen dataclass hold a list, and can that list still change?"),
    _Concept(
        "Rust", "Rust lifetimes", "lifetimes", "lifetimes",
        "Lifetimes are names for how long a reference stays valid; the borrow checker uses them "
        "to prove that no reference outlives the data it points to.",
        "For example, a function returning the longer of two &str values needs one lifetime "
        "'a that ties the result to both inputs.",
        "The usual confusion with lifetimes is thinking they change how long data lives; they "
        "only describe it, and the compiler checks the description.",
        "Question 1: why does returning a reference to a local variable fail to compile, "
        "whatever lifetimes you write?"),
    _Concept(
        "Rust", "Rust trait objects", "trait objects", "trait objects",
        "Trait objects like Box<dyn Shape> hold any type that implements the trait and call "
        "its methods through a vtable at run time.",
        "For example, a Vec<Box<dyn Shape>> can mix circles and squares in one list, which a "
        "generic Vec<T> cannot.",
        "A common surprise with trait objects is that a trait with a generic method can't be "
        "made into one, because the vtable can't hold every version of that method.",
        "Question 1: what is the difference in cost between calling area() on a &dyn Shape and "
        "on a generic T: Shape?"),
    _Concept(
        "Rust", "Rust ownership", "ownership", "ownership",
        "Ownership means every value in Rust has exactly one owner; assigning or passing it "
        "moves it, and the value is dropped when its owner goes out of scope.",
        "For example, after let b = a; with a String, using a is a compile error, while with "
        "an i32 it is fine, because integers are copied and never change ownership.",
        "The usual stumbling block with ownership is passing a String to a function and then "
        "using it again; pass a reference (&s) when the function only needs to read it.",
        "Question 1: why does passing a String to a function make it unusable afterwards, but "
        "passing an i32 does not?"),
    _Concept(
        "TypeScript", "TypeScript conditional types", "conditional types", "conditional types",
        "Conditional types choose a type by a test, T extends U ? X : Y, and distribute over "
        "unions, which is how Exclude and ReturnType are built.",
        "For example, type NonNull<T> = T extends null | undefined ? never : T is one of these "
        "conditional types: it removes null and undefined from any union.",
        "A common surprise with conditional types is that they distribute over unions; wrap "
        "both sides in brackets when you want to test the union as a whole.",
        "Question 1: what does NonNull<string | null | number> evaluate to?"),
    _Concept(
        "TypeScript", "TypeScript generics", "generics", "generics",
        "Generics keep the link between a function's input and output types, so first<T>(items: "
        "T[]): T returns a string when it is given a string array.",
        "For example, a constraint like <T extends { id: string }> lets the body of a function "
        "with generics read item.id while callers keep their own full type.",
        "The usual mistake with generics is a type parameter that appears only once; if T "
        "doesn't relate two things, a plain type is clearer.",
        "Question 1: what type does first(['a', 'b']) return, and what changes if the array is "
        "declared as const?"),
    _Concept(
        "TypeScript", "TypeScript type narrowing", "type narrowing", "narrowing",
        "Type narrowing means the compiler follows checks like typeof, in and equality, so "
        "inside an if branch a union shrinks to the members that pass the check.",
        "For example, a discriminated union with a kind field supports narrowing cleanly in a "
        "switch, and a never check in the default branch flags any case you forgot.",
        "A common gap in narrowing is typeof x === 'object', which still lets null through; "
        "check x !== null as well.",
        "Question 1: after if (typeof x === 'object'), what else can x be besides an object?"),
    _Concept(
        "SQL", "SQL window functions", "window functions", "window functions",
        "Window functions compute over a set of rows related to the current one without "
        "collapsing them, so each row can carry a running total or a rank.",
        "For example, SUM(amount) OVER (PARTITION BY customer_id ORDER BY created_at) is one of "
        "the window functions people use most: it gives each order its customer's running "
        "total.",
        "The usual mistake with window functions is filtering on their result in WHERE; it "
        "runs before them, so filter in an outer query or a CTE.",
        "Question 1: how do ROW_NUMBER, RANK and DENSE_RANK differ when two rows tie?"),
    _Concept(
        "SQL", "SQL isolation levels", "isolation levels", "isolation levels",
        "Isolation levels decide which anomalies concurrent transactions can see: read "
        "committed allows non-repeatable reads, serializable allows none.",
        "For example, two transactions that each read a balance of 100 and withdraw 80 can both "
        "succeed under read committed, the weakest of the common isolation levels: a lost "
        "update.",
        "A common surprise with isolation levels is that serializable can abort a transaction "
        "with a serialization error; the application must be ready to retry it.",
        "Question 1: which anomaly does repeatable read still allow in the SQL standard?"),
    _Concept(
        "SQL", "SQL composite indexes", "composite indexes", "composite indexes",
        "Composite indexes are sorted by their first column, then the next, so they help "
        "queries that filter on a leftmost prefix of their columns.",
        "For example, an index on (customer_id, created_at) serves WHERE customer_id = 42 ORDER "
        "BY created_at, but not a filter on created_at alone.",
        "The usual mistake with composite indexes is putting a range column first; put the "
        "columns you compare with = first and the range column last.",
        "Question 1: does an index on (a, b) help a query with WHERE b = 5?"),
    _Concept(
        "Go", "Go channels", "channels", "channels",
        "Channels pass values between goroutines; a send on an unbuffered channel blocks until "
        "another goroutine receives, which also synchronises the two.",
        "For example, a worker pool reads jobs from one of its channels and writes results to "
        "another; closing the jobs channel ends the workers' range loops.",
        "A common panic with channels is sending on a closed one; only the sender should close "
        "a channel, and only once.",
        "Question 1: what happens when you receive from a closed channel, and how do you tell "
        "that it was closed?"),
    _Concept(
        "Go", "Go goroutine leaks", "goroutine leaks", "goroutine leak",
        "A goroutine leak is a goroutine blocked forever, usually on a channel nobody reads any "
        "more; it keeps its memory until the process exits.",
        "For example, giving every blocking select a case <-ctx.Done() lets the goroutine "
        "return when the caller gives up, which prevents a goroutine leak.",
        "The classic goroutine leak is a sender on an unbuffered channel whose receiver returned "
        "early after a timeout; a buffer of one fixes it.",
        "Question 1: how would you find a goroutine leak in a running service?"),
    _Concept(
        "Go", "Go interfaces", "interfaces", "interfaces",
        "Go interfaces are satisfied implicitly: any type with the right methods implements "
        "the interface, with no implements keyword.",
        "For example, io.Reader is one of the smallest interfaces, with a single method, so "
        "files, network connections and in-memory buffers all work with the same code.",
        "A famous trap with interfaces is that one holding a nil pointer is not itself nil, so "
        "err != nil can be true for a nil *MyError.",
        "Question 1: why is an interface value holding a nil pointer not equal to nil?"),
    _Concept(
        "Git", "Git interactive rebase", "interactive rebase", "interactive rebase",
        "Interactive rebase replays your commits one by one and lets you reorder, squash, edit "
        "or drop each of them on the way.",
        "For example, start an interactive rebase with git rebase -i HEAD~4, then mark the "
        "fix-up commits with squash to fold them into the commit they fix.",
        "The usual rule with interactive rebase: don't rewrite commits others have already "
        "pulled, or their history and yours diverge.",
        "Question 1: what does marking a commit edit do during an interactive rebase?"),
    _Concept(
        "Git", "the Git reflog", "the reflog", "reflog",
        "The reflog records where HEAD and each branch pointed after every change, so even a "
        "commit lost in a bad reset can be found again.",
        "For example, run git reflog, find the entry from before the reset, then git reset "
        "--hard HEAD@{2}.",
        "A thing to know about the reflog is that it is local and expires, by default after 90 "
        "days, so it is a safety net, not a backup.",
        "Question 1: you ran git reset --hard and lost a commit. What do you look for in the "
        "reflog to get it back?"),
    _Concept(
        "Postgres", "Postgres query plans", "query plans", "query plans",
        "Query plans are Postgres's chosen strategy for a query; EXPLAIN ANALYZE shows each "
        "step with estimated and actual rows and times.",
        "For example, a Seq Scan in one of your query plans whose estimated rows are far from "
        "the actual rows usually means stale statistics; running ANALYZE fixes the estimate.",
        "A common misreading of query plans is blaming a sequential scan on a small table; "
        "reading a few pages in order is often cheaper than using the index.",
        "Question 1: in EXPLAIN ANALYZE output, what does it mean when a node's actual rows are "
        "100 times its estimate?"),
    _Concept(
        "JavaScript", "the JavaScript event loop", "the event loop", "event loop",
        "The event loop runs one task at a time and drains all microtasks, like promise "
        "callbacks, before it moves on to the next task, such as a timer.",
        "For example, setTimeout(f, 0) followed by Promise.resolve().then(g) runs g first: the "
        "event loop finishes microtasks before timers.",
        "A common problem with the event loop is a long synchronous loop: nothing else runs "
        "until it ends, so the page freezes.",
        "Question 1: in what order do console.log('a'), setTimeout(() => console.log('b')) and "
        "Promise.resolve().then(() => console.log('c')) print?"),
    _Concept(
        "JavaScript", "JavaScript closures", "closures", "closures",
        "Closures are functions that keep access to the variables of the scope they were "
        "created in, even after that scope has returned.",
        "For example, makeCounter() can return one of these closures: a function that "
        "increments a count variable nobody else can reach.",
        "The classic bug with closures is var in a for loop with setTimeout: every callback "
        "sees the same variable; let gives each iteration its own.",
        "Question 1: why does a for loop with var and setTimeout print the same number three "
        "times?"),
    _Concept(
        "Kubernetes", "Kubernetes readiness probes", "readiness probes", "readiness probe",
        "A readiness probe tells Kubernetes when a pod can take traffic; failing it takes the "
        "pod out of the Service without restarting it, unlike a liveness probe.",
        "For example, an HTTP readiness probe on /ready that checks the database connection "
        "keeps traffic away from a pod that is still warming up.",
        "A common mistake is making the readiness probe check shared dependencies: if the "
        "database blips, every pod goes unready at once.",
        "Question 1: what happens to a pod that passes its readiness probe but fails its "
        "liveness probe?"),
    _Concept(
        "Docker", "Docker layer caching", "layer caching", "layer caching",
        "Layer caching reuses every build step whose inputs haven't changed, so copying the "
        "lock file and installing dependencies before copying the source keeps rebuilds fast.",
        "For example, with COPY requirements.txt, then RUN pip install, then COPY . last, "
        "layer caching means a code change rebuilds only the last layer.",
        "The usual way to break layer caching is COPY . . at the top of the Dockerfile: any "
        "change to any file invalidates everything after it.",
        "Question 1: why does changing one source file reinstall every dependency in a "
        "Dockerfile that starts with COPY . .?"),
    _Concept(
        "Bash", "Bash's set -euo pipefail", "set -euo pipefail", "pipefail",
        "The line set -euo pipefail makes a script stop at the first failing command (-e), "
        "treat unset variables as errors (-u), and fail a pipeline if any part fails "
        "(pipefail).",
        "For example, without pipefail, curl https://example.com/data | jq . succeeds even when "
        "curl fails, because only jq's exit status counts.",
        "A surprise with set -e, even with pipefail, is that it is ignored inside if conditions "
        "and && chains, so a failing check there doesn't stop the script.",
        "Question 1: does set -e stop the script when a command used as an if condition fails?"),
)
_QUIZ_FOLLOW_UPS: tuple[tuple[str, str], ...] = (
    ("Can I get a hint?", "Hint: think about what the rule guarantees, not what usually happens "
     "in practice."),
    ("Next question, please.", "Question 2: same setup, but with one line changed. What is "
     "different now?"),
    ("I got that one wrong, didn't I?", "Partly: the first half was right. Look again at the "
     "last step and try once more."),
    ("Can you explain the answer?", "Sure: here is the answer, with the one line that decides "
     "it."),
)


def _concept_topics(c: _Concept) -> tuple[Topic, ...]:
    return (
        _topic("learning", f"Explain {c.subject}", c.key,
               f"Explain {c.phrase} to me. I know the basics of {c.lang}, not the internals.",
               f"{c.gist} {c.example}"),
        _topic("learning", f"{_capital(c.subject)} with examples", c.key,
               f"I keep getting {c.phrase} wrong in {c.lang}. Can you show me a few small "
               "examples?",
               f"{c.example} {c.pitfall}"),
        Topic("learning", f"Quiz me on {c.subject}", c.key,
              f"Quiz me on {c.phrase}, one question at a time.",
              f"Here's the first question on {c.phrase}. {c.question}",
              follow_ups=_QUIZ_FOLLOW_UPS, shared_follow_ups=False),
    )


_LEARNING: tuple[Topic, ...] = (
    _topic("learning", "How compound interest works", "compound interest",
           "Explain compound interest with a simple example. I'm 30 and just started saving.",
           "With compound interest you earn interest on earlier interest too: 1,000 at 5 % a "
           "year becomes about 1,629 after ten years and 2,653 after twenty. Starting at 30 "
           "rather than 40 roughly doubles what the same savings grow to."),
    _topic("learning", "Learning plan for Spanish in six months", "Spanish",
           "Make me a learning plan for Spanish: six months, 30 minutes a day, so I can hold a "
           "simple conversation on holiday.",
           "A six-month Spanish plan: the first two months on the 1,000 most common words and "
           "the present tense, then past tenses and listening to slow podcasts, and from month "
           "four a weekly conversation with a tutor."),
    _topic("learning", "How vaccines train the immune system", "immune system",
           "How do vaccines actually train the immune system? Explain it like I did biology at "
           "school but forgot most of it.",
           "A vaccine shows the immune system a harmless piece or copy of a germ, so it makes "
           "antibodies and memory cells without you getting ill; next time the real germ "
           "arrives, the response is faster and stronger."),
    _topic("learning", "How index funds work", "index funds",
           "How do index funds work, and why do people say they beat most active funds?",
           "Index funds buy every company in an index in proportion to its size, so they need "
           "no analysts and charge little. Most active funds trail them over ten years, mainly "
           "because of higher fees."),
    _topic("learning", "Why minor chords sound sad", "minor chords",
           "Why do minor chords sound sad? I play a bit of guitar but know no theory.",
           "Minor chords differ from major ones in a single note: the middle note, the third, is "
           "a half step lower. Part of the 'sad' sound is physics and part is learned from the "
           "music we grow up with."),
    _topic("learning", "How HTTPS keeps traffic private", "HTTPS",
           "How does HTTPS actually keep my traffic private? What does the padlock mean?",
           "HTTPS wraps HTTP in TLS: your browser checks the site's certificate, the two agree on "
           "a secret key, and everything after that is encrypted. The padlock means the "
           "connection is private, not that the site is honest."),
    _topic("learning", "Big-O notation explained simply", "Big-O",
           "Explain Big-O notation simply. I'm preparing for interviews.",
           "Big-O describes how the work grows with the input: O(n) doubles when the input "
           "doubles, O(n²) quadruples, O(log n) barely grows. It ignores constants, so it "
           "compares approaches, not exact speeds."),
)

# --- research --------------------------------------------------------------------------------

_COMPARISONS: tuple[tuple[str, str, str, str, str], ...] = (
    # option a, option b, what for, the person's situation, the answer
    ("Postgres", "MySQL", "a new SaaS backend", "We are a team of six, mostly Python.",
     "For a new SaaS backend I'd pick Postgres: JSONB, partial indexes and extensions like "
     "PostGIS cover most needs. MySQL is fine too; choose it if your team already runs it well."),
    ("Kafka", "RabbitMQ", "order events", "About 200 orders a minute at peak.",
     "Kafka if you need to replay order events or feed several consumers from one log; "
     "RabbitMQ if you mostly need work queues with acknowledgements. At 200 a minute, RabbitMQ "
     "is less to operate."),
    ("Redis", "Memcached", "session storage", "Users stay logged in for up to 30 days.",
     "Redis: it can persist to disk, has expiry per key and richer data types. Memcached is "
     "simpler, but loses every session on restart, which logs 30-day users out."),
    ("React", "Svelte", "an internal dashboard", "Two frontend developers, both know React.",
     "Svelte gives smaller bundles and less boilerplate; React has the bigger ecosystem and is "
     "what your two developers know. For an internal dashboard, stay with React."),
    ("Terraform", "Pulumi", "infrastructure as code", "The team writes Python all day.",
     "Terraform has the bigger module registry and more people who know HCL; Pulumi lets you "
     "write infrastructure in Python with real tests. For a Python team, Pulumi is worth a "
     "pilot."),
    ("FastAPI", "Django", "a public API", "No admin pages needed, just JSON endpoints.",
     "FastAPI for a pure JSON API: typed request models, async support and OpenAPI docs for "
     "free. Django earns its weight when you also want its admin, auth and ORM."),
    ("Playwright", "Cypress", "end-to-end tests", "We need Safari coverage.",
     "Playwright: it drives Chromium, Firefox and WebKit, so Safari's engine is covered, and "
     "it runs tests in parallel for free. Cypress has the nicer interactive runner."),
    ("DuckDB", "SQLite", "local analytics", "Queries over 50 million rows of events.",
     "DuckDB for analytics: columnar storage and vectorised execution make aggregates over 50 "
     "million rows fast. SQLite stays better for many small transactional writes."),
    ("REST", "gRPC", "calls between internal services", "Eight services, all ours.",
     "gRPC for calls between your own services: typed contracts, streaming and smaller "
     "payloads. Keep REST at the edge, where browsers and partners call you."),
    ("Celery", "RQ", "background jobs", "Only emails and report generation for now.",
     "RQ for simple background jobs like emails and reports: it is small and easy to debug. "
     "Celery when you need schedules, chords and brokers other than Redis."),
    ("GitHub Actions", "GitLab CI", "a monorepo", "The code is on GitHub today.",
     "Since the code is on GitHub, GitHub Actions; path filters and reusable workflows cover a "
     "monorepo. GitLab CI's parent-child pipelines are strong, but not worth moving the code "
     "for."),
    ("Notion", "Confluence", "team documentation", "Fifteen people, already on Jira.",
     "Confluence, since you are on Jira: the integration and page permissions fit. Notion is "
     "nicer to write in and good for a small team starting from nothing."),
    ("Datadog", "Grafana Cloud", "monitoring", "Twenty hosts and a tight budget.",
     "Grafana Cloud is usually cheaper at twenty hosts and built on open standards; Datadog is "
     "more polished, but its per-host and custom-metric pricing adds up quickly."),
    ("Poetry", "uv", "Python packaging", "We maintain five internal libraries.",
     "uv: it resolves and installs much faster and reads standard pyproject metadata, which "
     "keeps five libraries consistent. Poetry is mature and fine, but uv covers the same "
     "workflow."),
    ("Cloud Run", "AWS Lambda", "a webhook service", "Some webhooks take a few minutes.",
     "Cloud Run if the handler is already a container and some webhooks run for minutes; "
     "Lambda if you want the least to manage and each call finishes in seconds."),
    ("Vercel", "Netlify", "a marketing site", "Built with Next.js.",
     "Vercel for a Next.js marketing site: it is built by the same people and supports every "
     "feature on day one. Netlify works well too, and its forms are handy."),
)


def _comparison_topic(a: str, b: str, purpose: str, situation: str, answer: str) -> Topic:
    return _topic("research", f"{a} vs {b} for {purpose}", a,
                  f"{a} or {b} for {purpose}? {situation}", answer,
                  ("What would a migration cost later?", f"Moving between {a} and {b} later "
                   "is possible but slow; keep the choice behind one module so that only that "
                   "module changes."))


@dataclass(frozen=True)
class _Subject:
    name: str
    key: str
    overview: str
    objections: str
    reading: str


_SUBJECTS: tuple[_Subject, ...] = (
    _Subject(
        "four-day work weeks", "four-day",
        "The evidence on four-day work weeks comes mostly from pilots: they report better "
        "wellbeing and retention with output roughly steady, but most were short, voluntary "
        "and self-reported.",
        "The strongest objections to four-day work weeks: customer-facing roles still need "
        "five days of cover, work gets squeezed into longer days, and the pilots were too short "
        "to show long-term effects.",
        "For four-day work weeks: start with the final report of the 2022 UK pilot, then the "
        "Icelandic public-sector trials, then a critical piece on how the pilots measured "
        "productivity."),
    _Subject(
        "vector databases", "vector database",
        "Vector databases make similarity search over embeddings fast and easy to run, but for "
        "a few million vectors Postgres with pgvector is often enough, with one less system to "
        "operate.",
        "The main arguments against a dedicated vector database: another system to run and "
        "secure, data to keep in sync with your main database, and recall that depends on "
        "tuning you now own.",
        "For vector databases: an explainer on approximate nearest-neighbour search (HNSW in "
        "particular), then the pgvector documentation, then one vendor's benchmark, read "
        "critically."),
    _Subject(
        "zero-trust networking", "zero-trust",
        "Zero-trust networking replaces 'inside the VPN means trusted' with checking identity "
        "and device on every request. It limits how far an attacker gets, at the cost of "
        "identity work up front.",
        "Arguments against a big zero-trust project: it is a long programme, not a product; "
        "legacy apps may not support modern authentication; and a half-done rollout adds "
        "complexity without the benefit.",
        "For zero-trust networking: Google's BeyondCorp papers first, then NIST SP 800-207 for "
        "the vocabulary, then a case study of a mid-size company's rollout."),
    _Subject(
        "feature flag platforms", "feature flag",
        "Feature flag platforms give you gradual rollouts, kill switches and targeting without "
        "redeploying; the costs are a per-seat bill and flags that linger in the code.",
        "Against buying a feature flag platform: for a handful of flags a config table does the "
        "job, and every flag left in the code is a branch nobody tests.",
        "For feature flag platforms: Martin Fowler's article on feature toggles, then two "
        "vendors' guides to flag lifecycles, then a post about cleaning up stale flags."),
    _Subject(
        "on-call rotations for small teams", "on-call",
        "For small teams, on-call rotations give clear ownership of incidents, but four people "
        "means one week in four, which burns people out unless alerts are few and actionable.",
        "Arguments against an on-call rotation for a small team: too few people to rotate "
        "fairly, alerts that aren't actionable yet, and business-hours support may be enough "
        "for your customers.",
        "For on-call: the chapters on being on-call and on alerting in Google's SRE book, then "
        "PagerDuty's incident response guide, then a post on running on-call with five "
        "engineers."),
    _Subject(
        "remote onboarding", "remote onboarding",
        "Remote onboarding works when it is written down: a first-week plan, a buddy, and small "
        "early tasks. What suffers is informal learning, which needs deliberate pairing to "
        "replace.",
        "Arguments against fully remote onboarding: new people ask fewer questions, pick up "
        "less context by overhearing, and take longer to build relationships; an in-person "
        "first week helps.",
        "For remote onboarding: the onboarding section of GitLab's public handbook, then "
        "research on how remote newcomers settle in, then two companies' actual checklists."),
    _Subject(
        "usage-based pricing", "usage-based pricing",
        "Usage-based pricing lines up price with value and lowers the barrier to start, but "
        "revenue becomes harder to forecast and customers worry about surprise bills.",
        "The strongest arguments against usage-based pricing: unpredictable bills scare "
        "procurement teams, revenue swings with your customers' seasons, and metering is real "
        "engineering work.",
        "For usage-based pricing: OpenView's reports on usage-based SaaS, then a few public "
        "pricing pages to compare what they meter, then the story of a company that went back "
        "to seats."),
    _Subject(
        "carbon accounting tools", "carbon accounting",
        "Carbon accounting tools make scope 1 and 2 emissions straightforward and give a first "
        "estimate of scope 3, but those estimates rest on spend-based factors that can be far "
        "off.",
        "Arguments against buying a carbon accounting tool now: a spreadsheet with the GHG "
        "Protocol factors covers a small company, and any tool's scope 3 numbers are rough "
        "estimates.",
        "For carbon accounting: the GHG Protocol corporate standard first, then its scope 3 "
        "guidance, then a comparison of how two or three tools calculate."),
    _Subject(
        "pair programming", "pair programming",
        "Pair programming tends to catch defects earlier and spreads knowledge of the code, at "
        "the cost of two people on one task; studies find fewer bugs but not always faster "
        "delivery.",
        "Arguments against pair programming all the time: it is tiring, it suits tricky code "
        "and onboarding much better than routine work, and not everyone thinks best out loud.",
        "For pair programming: the chapter in Extreme Programming Explained, then Laurie "
        "Williams's studies, then a practical guide to pairing remotely."),
    _Subject(
        "permissive licences for an SDK", "permissive licence",
        "A permissive licence like MIT or Apache 2.0 makes an SDK easy to adopt, even in closed "
        "products; Apache 2.0 adds an explicit patent grant. Anyone can build it into a paid "
        "product, though.",
        "The argument against a permissive licence for an SDK: competitors can ship your work "
        "in their products, while a copyleft licence would keep improvements public.",
        "For choosing a permissive licence: the comparison on choosealicense.com, then the "
        "patent clause of Apache 2.0, then a lawyer's summary of how MIT and Apache differ in "
        "practice."),
    _Subject(
        "monorepos", "monorepo",
        "A monorepo makes changes across projects atomic and keeps tooling in one place; it "
        "needs good build tooling once it grows, or CI slows to a crawl.",
        "Arguments against a monorepo: CI must learn to build only what changed, access control "
        "gets coarse, and a very big repository is slow in some tools.",
        "For monorepos: Google's paper on its single repository, then the Nx or Turborepo docs "
        "on building only what changed, then a post from a team that split one up again."),
    _Subject(
        "microservices for a small team", "microservices",
        "For a small team, microservices give independent deploys and clear boundaries, but you "
        "pay in network calls, distributed debugging and more things to run.",
        "The strongest argument against microservices for a team of six: the operational work "
        "lands on the same six people, and a well-structured monolith gives most of the "
        "boundaries for free.",
        "For microservices: Martin Fowler's MonolithFirst post, then Sam Newman's book on "
        "splitting a monolith, then a case study of a company that merged services back."),
    _Subject(
        "standing desks", "standing desk",
        "Standing desks reduce sitting time, but the evidence for health benefits is weaker "
        "than the marketing: changing position and walking breaks seem to matter more than "
        "standing itself.",
        "Arguments against spending on standing desks: standing for long periods has its own "
        "problems, and many people stop using the standing position after a few months.",
        "For standing desks: a Cochrane review of workplace interventions to reduce sitting, "
        "then research on prolonged standing, then an ergonomics guide to desk height."),
    _Subject(
        "open-plan offices", "open-plan",
        "Open-plan offices are cheaper per person and make quick questions easy, but studies "
        "find more distraction and, surprisingly, less face-to-face conversation.",
        "The strongest argument against open-plan offices: a Harvard study found face-to-face "
        "interaction fell by about 70 % after a move to open plan, as people switched to "
        "messages.",
        "For open-plan offices: the Bernstein and Turban study on interaction, then research "
        "on noise and focused work, then a case study of a layout with quiet rooms."),
)


def _subject_topics(s: _Subject) -> tuple[Topic, ...]:
    return (
        _topic("research", f"Pros and cons of {s.name}", s.key,
               f"Give me a balanced overview of {s.name}: what works, what doesn't, and what "
               "the evidence says.", s.overview),
        _topic("research", f"Arguments against {s.name}", s.key,
               f"My manager is keen on {s.name}. What are the strongest arguments against?",
               s.objections),
        _topic("research", f"Reading list on {s.name}", s.key,
               f"I have a week to get up to speed on {s.name}. What should I read, and in what "
               "order?", s.reading),
    )


_OPTIONS: tuple[tuple[str, str, str], ...] = (
    # what for, key, the answer
    ("a job queue", "job queue",
     "Three realistic options for a job queue: Postgres with SKIP LOCKED (nothing new to run), "
     "Redis with a library like RQ, or a managed queue like SQS. Start with Postgres until it "
     "hurts."),
    ("error tracking", "error tracking",
     "For error tracking: Sentry (hosted or self-hosted), Rollbar, or alerts from your logging "
     "stack. Sentry's free tier covers a small team."),
    ("product analytics", "product analytics",
     "For product analytics: PostHog (cloud or self-hosted), Amplitude, or plain events in your "
     "warehouse. PostHog is the cheapest way to start."),
    ("secrets management", "secrets",
     "For secrets: your cloud provider's secret manager, HashiCorp Vault, or SOPS-encrypted "
     "files in the repository. With one cloud, its own manager is the least work."),
    ("search in a web shop", "search",
     "For search in a web shop: Postgres full-text search, Meilisearch or Typesense, or "
     "OpenSearch. Meilisearch gives typo tolerance with the least setup."),
    ("a status page", "status page",
     "For a status page: a hosted one like Statuspage or Instatus, an open-source one like "
     "Upptime on GitHub Pages, or a page in your own app. Upptime is free and a fine start; "
     "host it away from your own infrastructure."),
    ("transactional email", "transactional email",
     "For transactional email: Postmark, Amazon SES or SendGrid. Postmark has the best "
     "reputation for deliverability; SES is cheapest at volume."),
    ("Postgres backups", "backups",
     "Three options for Postgres backups: pg_dump on a schedule, continuous archiving with "
     "pgBackRest or WAL-G, or your provider's point-in-time recovery. Start with the "
     "provider's, and test a restore."),
)


def _options_topic(purpose: str, key: str, answer: str) -> Topic:
    return _topic("research", f"Options for {purpose}", key,
                  f"What are the main options for {purpose}, and which would you start with?",
                  answer)


_RESEARCH: tuple[Topic, ...] = (
    _topic("research", "What the EU AI Act means for a small SaaS company", "AI Act",
           "We're a 20-person SaaS company using an LLM to draft support replies. What does the "
           "EU AI Act require from us?",
           "For a support assistant the AI Act mostly asks for transparency: tell people when "
           "they are dealing with an AI system and keep a human able to review. The heavy "
           "obligations are for high-risk uses like hiring or credit scoring. Check when each "
           "part applies."),
    _topic("research", "Heat pump vs gas boiler running costs", "heat pump",
           "Is a heat pump cheaper to run than a gas boiler in a three-bedroom house?",
           "Usually yes, if the heat pump reaches a seasonal efficiency around 3 and "
           "electricity costs less than about three times as much as gas per kWh; in a poorly "
           "insulated house it can come out even."),
    _topic("research", "GDPR rules for a newsletter list", "GDPR",
           "What does GDPR require for our newsletter list? We collect emails on the website.",
           "Under GDPR you need consent for marketing email, recorded with when and how it was "
           "given, an easy unsubscribe in every email, and a privacy notice that says what you "
           "do with the addresses."),
    _topic("research", "Evidence on intermittent fasting", "intermittent fasting",
           "What does the research actually say about intermittent fasting for weight loss?",
           "Trials of intermittent fasting find weight loss similar to ordinary calorie "
           "restriction; it helps people who find it easier to stick to, not because of "
           "anything special about the timing."),
    _topic("research", "Electric car range in winter", "winter",
           "How much range does an electric car lose in winter?",
           "Expect roughly 20 to 30 % less range in winter, more on short trips with the heating "
           "on; a heat pump and warming the car while it is plugged in win part of it back."),
    _topic("research", "Digital nomad visas in Europe", "nomad visa",
           "Which European countries offer a digital nomad visa, and what income do they ask "
           "for?",
           "Several countries offer a digital nomad visa, including Portugal, Spain, Croatia, "
           "Estonia and Greece, each with a minimum monthly income and health insurance. The "
           "thresholds change often, so check each government's page."),
    _topic("research", "Size of the pet insurance market", "pet insurance",
           "Roughly how big is the pet insurance market in Europe, and is it growing?",
           "I can't give a reliable current figure for pet insurance in Europe; market reports "
           "disagree a lot. The pattern is clear, though: high take-up in Sweden and the UK, "
           "low elsewhere, and steady growth. Industry association reports are the best source."),
    _topic("research", "Why QWERTY became the standard", "QWERTY",
           "Why did QWERTY become the standard keyboard layout? Is the jamming story true?",
           "The usual story is that QWERTY was arranged to stop typewriter bars jamming; "
           "historians dispute the details. It became standard through Remington's typewriters "
           "and the typing schools, and stayed because switching costs are high."),
    _topic("research", "How long lithium-ion batteries last", "lithium-ion",
           "How many years should a lithium-ion battery in a laptop last?",
           "Most lithium-ion batteries in laptops keep about 80 % of their capacity after 300 to "
           "500 full cycles, so two to four years for most people; heat and long spells at 100 % "
           "wear them faster."),
    _topic("research", "Code review practices that help", "code review",
           "Which code review practices actually improve quality, according to research or "
           "experience at big companies?",
           "The code review practices with the best support: small changes (under about 400 "
           "lines), a review within a day, and checklists for what people forget. Leave style "
           "to a formatter."),
    _topic("research", "What SOC 2 involves for a startup", "SOC 2",
           "A customer asks for our SOC 2 report. What does SOC 2 involve for a 15-person "
           "startup?",
           "SOC 2 means an auditor checks your security controls: Type I at a point in time, "
           "Type II over a period, usually 3 to 12 months. Expect policies, access reviews and "
           "evidence collection; tools help, but the work is yours."),
    _topic("research", "How teams measure developer productivity", "developer productivity",
           "How do other companies measure developer productivity without it turning into "
           "surveillance?",
           "Most teams that measure developer productivity well use a mix: the four DORA "
           "delivery metrics, a regular survey, and a look at where the time goes. Single "
           "numbers like tickets closed get gamed quickly."),
    _topic("research", "Screens before sleep: what the research says", "screens",
           "Do screens before bed really hurt sleep, or is that overblown?",
           "Studies on screens before sleep find modest effects: what you do on them and the "
           "time they take from sleep matter more than the blue light itself."),
    _topic("research", "Senior backend salaries in Berlin", "Berlin",
           "What do senior backend engineers earn in Berlin these days?",
           "For senior backend engineers in Berlin, salary surveys point to a broad range, "
           "roughly 70,000 to 95,000 euros, more at well-funded companies. Check current surveys; "
           "the figures move every year."),
    _topic("research", "Choosing a password manager for the team", "password manager",
           "Which password manager should a 12-person team use? We need shared vaults.",
           "For a team password manager look at shared vaults, SSO, audit logs and offboarding. "
           "1Password, Bitwarden and Keeper all cover the basics; Bitwarden is the cheapest and "
           "open source."),
    _topic("research", "What a good API rate limit policy looks like", "rate limit",
           "We're opening our API to partners. What does a good rate limit policy look like?",
           "A good rate limit is set per API key, documented, and answered with 429 and a "
           "Retry-After header; a token bucket allows short bursts while holding the average."),
)

# --- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Doc:
    name: str
    key: str
    audience: str
    points: str
    gaps: str


_DOCS: tuple[_Doc, ...] = (
    _Doc("the Q3 board notes", "Q3 board notes", "the leadership team",
         "revenue up 9 % on Q2, hiring frozen until January, and the EU launch moved to spring",
         "no owner for the EU launch and no date for lifting the hiring freeze"),
    _Doc("the incident postmortem", "postmortem", "customers",
         "the outage lasted 47 minutes, no data was lost, the cause was an expired certificate, "
         "and renewals are now automated",
         "no timeline of when customers were told, and the follow-up actions have no owners"),
    _Doc("the onboarding guide", "onboarding guide", "new hires",
         "laptop and accounts on day one, a buddy for the first month, and a first small "
         "release in week two",
         "nothing on whom to ask about payroll, and the VPN steps are out of date"),
    _Doc("the product roadmap", "roadmap", "the sales team",
         "SSO ships in May, the mobile app in the autumn, and the old reporting page is retired",
         "no date for retiring the reporting page and nothing on what customers use instead"),
    _Doc("the vendor contract", "vendor contract", "the finance team",
         "a three-year term, a 5 % yearly price rise, and 90 days' notice before renewal",
         "the liability cap is not defined and the renewal date is missing from the summary"),
    _Doc("the search design doc", "search design doc", "the engineering team",
         "search moves to a separate index, rebuilt nightly, with Postgres as the fallback",
         "no numbers on index size or rebuild time, and no plan for a failed rebuild"),
    _Doc("last week's retro notes", "retro notes", "the whole team",
         "releases slipped twice because of manual testing, so the smoke tests get automated",
         "no owner and no date for automating the smoke tests"),
    _Doc("the security review", "security review", "the board",
         "no critical findings, two high ones in the admin panel, both fixed within a week",
         "whether the fixes were retested, and when the next review is due"),
    _Doc("the hiring plan", "hiring plan", "the leadership team",
         "four engineers and one designer this year, two of them senior, with the budget "
         "approved",
         "no interview process and no plan for who onboards the new people"),
    _Doc("the customer interview notes", "interview notes", "the product team",
         "eight of twelve customers export data to spreadsheets every week, and most want "
         "scheduled reports",
         "no quotes to back the claims, and no record of which customer is on which plan"),
    _Doc("the 4.2 release notes", "release notes", "customers",
         "dark mode, a faster CSV export and a fix for duplicate invoices",
         "nothing on the breaking change to the API and no upgrade steps"),
    _Doc("the OKR draft", "OKR draft", "the whole company",
         "halve support response times, launch in two new countries, and lift activation to "
         "40 %",
         "the key results have no baselines, so nobody can tell whether they were met"),
)


def _doc_topics(d: _Doc) -> tuple[Topic, ...]:
    return (
        _topic("writing", f"Summarise {d.name}", d.key,
               f"Summarise {d.name} in a few bullet points for {d.audience}.",
               f"Bullets from {d.name} for {d.audience}, decisions first: {d.points}."),
        _topic("writing", f"Rewrite {d.name} for {d.audience}", d.key,
               f"Rewrite {d.name} for {d.audience}; it reads too much like an internal memo.",
               f"Here is {d.name} rewritten for {d.audience}: shorter sentences, the ask in the "
               f"first paragraph, and the key facts kept: {d.points}."),
        _topic("writing", f"Tighten the intro of {d.name}", d.key,
               f"The intro of {d.name} is too long. Tighten it without losing the key facts.",
               f"The intro of {d.name} is now about a third of its length. The facts are all "
               f"still there: {d.points}."),
        _topic("writing", f"Find gaps in {d.name}", d.key,
               f"Here is {d.name}. What is unclear or missing?",
               f"The main gaps in {d.name}: {d.gaps}. Suggested wording for both is below."),
        _topic("writing", f"Email to {d.audience} about {d.name}", d.key,
               f"Draft a short email to {d.audience} about {d.name}. Friendly, not salesy.",
               f"Draft below. It opens with the main point of {d.name} and then gives the "
               f"details: {d.points}."),
    )


_WRITING: tuple[Topic, ...] = (
    _topic("writing", "Cover letter for a backend engineer role", "cover letter",
           "Help me write a cover letter for a backend engineer role at a logistics company. I "
           "have five years of Python.",
           "Draft cover letter below: an opening on why logistics interests you, two paragraphs "
           "linking your Python work to their stack, and a short close. I left a placeholder "
           "for the hiring manager's name."),
    _topic("writing", "Job ad for a product designer", "product designer",
           "Write a job ad for a product designer: remote within Europe, small team, B2B "
           "software.",
           "Here's the job ad: what the product designer will own in the first six months, who "
           "they'll work with, the salary range, and a short list of must-haves instead of a "
           "wish list of twenty."),
    _topic("writing", "Apology email after the outage", "outage",
           "Draft an apology email to customers about yesterday's two-hour outage. No excuses, "
           "no jargon.",
           "Draft below: it says what happened during the outage and for how long, what data "
           "was affected (none), what we are changing, and how to reach support. It apologises "
           "once, plainly."),
    _topic("writing", "LinkedIn post about our launch", "LinkedIn",
           "Write a LinkedIn post about our product launch that doesn't sound like marketing.",
           "A LinkedIn post in the first person: the problem we kept hearing about, what we "
           "built, one customer's result, and a link. No emoji wall, no 'thrilled to announce'."),
    _topic("writing", "Wedding toast for my brother", "toast",
           "Help me write a three-minute wedding toast for my brother. He's a chef and "
           "terrible at sports.",
           "Here's a toast in three parts: a story about his cooking disasters as a kid, what "
           "changed when he met his partner, and a short wish to close; about three minutes "
           "read slowly."),
    _topic("writing", "Reply to a customer charged twice", "charged twice",
           "A customer was charged twice and is angry. Help me reply; the refund is already on "
           "its way.",
           "Reply below: it acknowledges they were charged twice, says the refund was issued "
           "today and when it will arrive, and gives a direct contact in case it doesn't."),
    _topic("writing", "Out-of-office message for two weeks", "out-of-office",
           "Write an out-of-office message for two weeks away, with who to contact instead.",
           "A short out-of-office message: the dates, that email won't be read, one contact for "
           "urgent matters and one for everything else."),
    _topic("writing", "Self-assessment for my performance review", "self-assessment",
           "Help me write my self-assessment for the yearly review. I led the billing "
           "migration and mentored two juniors.",
           "A self-assessment in three sections: the billing migration with its outcome in "
           "numbers, the mentoring with what the two juniors now do on their own, and one area "
           "you want to grow in."),
    _topic("writing", "Thank-you note to a mentor", "mentor",
           "Write a short thank-you note to a mentor who helped me switch careers.",
           "A short note to your mentor: one specific thing they said that changed your "
           "direction, where you are now because of it, and an offer to pass it on."),
    _topic("writing", "Abstract for a conference talk on Postgres", "abstract",
           "Write a 150-word abstract for my talk about moving our app from MongoDB to Postgres.",
           "An abstract of about 150 words: why the move from MongoDB made sense, the two "
           "surprises along the way, and what attendees will take home."),
    _topic("writing", "README intro for an open-source library", "README",
           "Write the intro of a README for my small Python library that parses log files.",
           "A README intro: one sentence on what the library does, a three-line example, and "
           "install instructions; the details go further down."),
    _topic("writing", "Resignation letter", "resignation",
           "Write a polite resignation letter. My last day will be in four weeks.",
           "A short resignation letter: the notice and your last day, thanks for the time "
           "there, and an offer to help with the handover."),
    _topic("writing", "Product description for a ceramic mug", "mug",
           "Write a product description for a handmade ceramic mug, 350 ml, dishwasher safe.",
           "Product copy for the mug: how it feels in the hand, the glaze, 350 ml, dishwasher "
           "safe, and a line on each one being slightly different because it's handmade."),
    _topic("writing", "Agenda for the planning kickoff", "agenda",
           "Make an agenda for a 90-minute planning kickoff with eight people.",
           "A 90-minute agenda: ten minutes on the goal, thirty on last quarter's lessons, "
           "forty on the plan in small groups, ten on owners and dates."),
    _topic("writing", "Declining a speaking invitation", "speaking",
           "Help me politely decline a speaking invitation without burning the bridge.",
           "A short reply: thanks for thinking of you, you can't take on speaking this season, "
           "and a colleague who might fit, with their permission."),
    _topic("writing", "Announcing the new office", "new office",
           "Write the intro of our newsletter announcing the move to the new office.",
           "A newsletter intro: the new office's address and move date, what changes for "
           "visitors, and one thing the team is looking forward to."),
)

# --- data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Dataset:
    name: str
    key: str
    columns: str
    metric: str
    dim: str
    mess: str
    outliers: str


_DATASETS: tuple[_Dataset, ...] = (
    _Dataset("the sales export", "sales export", "order_id, created_at, region, amount",
             "revenue", "region", "dates in two formats and 212 duplicate order ids",
             "seven orders above 50,000, four of them test orders entered by the sales team"),
    _Dataset("the survey results", "survey results",
             "respondent_id, submitted_at, team, score, comment", "satisfaction score", "team",
             "scores typed as text like 'about 7' and 40 blank rows",
             "one team answered with all 1s within two minutes, probably a test run"),
    _Dataset("the support tickets", "support tickets",
             "ticket_id, opened_at, channel, priority, closed_at", "ticket volume", "channel",
             "closed_at before opened_at in 31 rows and priorities in mixed case",
             "a spike of 600 tickets on one Monday, all about the same outage"),
    _Dataset("the web analytics export", "web analytics",
             "session_id, started_at, landing_page, converted", "conversion rate",
             "landing page", "bot traffic from two IP ranges and URLs with and without a "
             "trailing slash", "a landing page with a 90 % conversion rate on only 11 sessions"),
    _Dataset("the expense report", "expense report", "employee, date, category, amount, currency",
             "spending", "category", "amounts in three currencies and categories spelt several "
             "ways", "two hotel bills at ten times the usual rate, one entered in the wrong "
             "currency"),
    _Dataset("the sensor readings", "sensor readings", "sensor_id, recorded_at, temperature_c",
             "average temperature", "sensor", "gaps of several hours and readings stuck at "
             "exactly 0.0", "one sensor reporting 85 °C for a whole day, most likely a fault"),
    _Dataset("the subscription data", "subscription data",
             "customer_id, plan, started_at, cancelled_at", "monthly churn", "plan",
             "customers who cancelled and re-subscribed counted twice",
             "a jump in cancellations on the annual plan right after the price change"),
    _Dataset("the app store reviews", "app store reviews",
             "review_id, posted_at, app_version, stars, text", "average rating", "app version",
             "duplicate reviews from an import that ran twice",
             "a burst of one-star reviews for version 3.2, all mentioning login"),
)


def _dataset_topics(d: _Dataset) -> tuple[Topic, ...]:
    return (
        _topic("data", f"SQL query for {d.metric} by {d.dim}", d.metric,
               f"I need {d.metric} by {d.dim} and month from {d.name}. The columns are "
               f"{d.columns}.",
               f"Here's the query: group {d.name} by {d.dim} and month, compute {d.metric} in "
               f"each group, and order by month so the trend per {d.dim} is easy to read."),
        _topic("data", f"Clean up {d.name}", d.key,
               f"{_capital(d.name)} is a mess: {d.mess}. How do I clean it?",
               f"For {d.name}, fix the types first, then deduplicate, keeping the latest row. "
               f"The code below handles {d.mess}."),
        _topic("data", f"Chart {d.metric} by {d.dim}", d.metric,
               f"How should I chart {d.metric} by {d.dim} so that the trend is obvious?",
               f"Small multiples: one line chart of {d.metric} per {d.dim}, all on the same "
               "y-axis, with the latest month labelled."),
        _topic("data", f"Find outliers in {d.name}", d.key,
               f"Are there outliers in {d.name} I should worry about? The columns are "
               f"{d.columns}.",
               f"Yes, {d.name} has a few: {d.outliers}. Check those before removing anything."),
    )


_DATA: tuple[Topic, ...] = (
    _topic("data", "Excel formula for a running total", "running total",
           "What Excel formula gives a running total of column B?",
           "In C2 put =SUM($B$2:B2) and fill down: the running total grows one row at a time "
           "because only the end of the range moves."),
    _topic("data", "VLOOKUP returns #N/A", "#N/A",
           "My VLOOKUP returns #N/A even though I can see the value in the other sheet.",
           "VLOOKUP returns #N/A when there is no exact match, often because of trailing spaces "
           "or numbers stored as text. Wrap the lookup value in TRIM, or use XLOOKUP with a "
           "default."),
    _topic("data", "Weighted average in Google Sheets", "weighted average",
           "How do I compute a weighted average in Google Sheets? Values in B, weights in C.",
           "=SUMPRODUCT(B2:B20, C2:C20) / SUM(C2:C20) gives the weighted average of B with the "
           "weights in C."),
    _topic("data", "Is this A/B test significant?", "A/B test",
           "Our A/B test: 4.1 % conversion on 5,200 visitors against 4.6 % on 5,100. Is that "
           "significant?",
           "Not quite: a two-proportion test gives p of about 0.2 for this A/B test, so the "
           "difference could be noise. You'd need about three times the traffic to detect a "
           "half-point lift reliably."),
    _topic("data", "Forecast next quarter's sales", "forecast",
           "I have three years of monthly sales. How do I forecast next quarter?",
           "Start simple: a seasonal naive forecast (same month last year times this year's "
           "growth) is a strong baseline. Try exponential smoothing and keep it only if it "
           "beats the baseline on the last year."),
    _topic("data", "Sample size for a customer survey", "sample size",
           "What sample size do I need for a customer survey to be reasonably accurate?",
           "For a ±5 % margin at 95 % confidence the sample size is about 385 responses, "
           "whatever the population above a few thousand; at a 20 % response rate, invite "
           "around 2,000 people."),
)

# --- other -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Event:
    name: str
    key: str
    situation: str
    plan: str
    checklist: str
    budget: str | None


_EVENTS: tuple[_Event, ...] = (
    _Event("a team offsite", "team offsite", "There are twelve of us and about six weeks to go.",
           "two days outside the city, the first on strategy with one clear question to "
           "answer, the second on something fun; book the venue first, then travel, then the "
           "agenda",
           "book the venue and transport this week, collect dietary needs two weeks before, "
           "send the agenda a week ahead",
           "roughly 250 to 450 per person for two days, most of it venue and food; travel is "
           "the big variable"),
    _Event("a sixth birthday party", "birthday party", "About fifteen kids, at home, and the "
           "budget is tight.",
           "two hours: a craft table as kids arrive, two games, food, cake, then a story to "
           "calm things down; two adults besides you",
           "send invitations three weeks ahead, order the cake a week ahead, buy supplies the "
           "weekend before, fill party bags the night before",
           "about 150 with home-made food and games, up to 400 with an entertainer"),
    _Event("a 10k training block", "10k", "I can run 5k now and the race is in ten weeks.",
           "three runs a week: one easy, one with intervals, and a long run that grows by about "
           "a kilometre a week, with a lighter week every fourth week",
           "register for the race now, get shoes fitted in week one, put the long runs in the "
           "calendar, and ease off in the final week",
           None),
    _Event("a conference talk", "conference talk", "It's 25 minutes and my first time "
           "speaking at a conference.",
           "one message, three supporting points and a story to open; outline first, slides "
           "last, and rehearse out loud at least three times",
           "send the final title and abstract, finish the slides two weeks before, do a dry run "
           "with colleagues, check the venue's adapters",
           None),
    _Event("a garden makeover", "garden makeover", "The garden is small, shady, and mostly "
           "lawn.",
           "shade-loving borders along the fences, a small paved seating area in the sunniest "
           "corner, and the lawn kept in the middle; plant in autumn",
           "measure and sketch the space, order the paving early because of lead times, "
           "prepare the soil, then plant in autumn",
           "from about 800 doing it yourself with small plants to 5,000 or more with a "
           "landscaper and paving"),
    _Event("a weekend in Lisbon", "Lisbon", "Two adults, three days, and we like food and "
           "walking.",
           "day one in Alfama and the castle, day two in Belém for the tower and the pastries, "
           "day three a tram ride and Bairro Alto in the evening; book one good dinner ahead",
           "book flights and a room near Baixa first, then the dinner; buy a transport card on "
           "arrival",
           "about 600 for two on a budget, 1,500 with nicer hotels and restaurants, flights not "
           "included"),
    _Event("a house move", "house move", "We're moving across town in a month, with two kids.",
           "declutter in week one, book movers and order boxes in week two, pack room by room "
           "in week three, and keep a box of essentials for the first night",
           "book the movers now, tell the utilities, change your address, pack, then clean the "
           "old place",
           "about 500 with a hired van and friends, 1,500 to 2,500 with a moving company"),
    _Event("a kitchen renovation", "kitchen renovation", "The kitchen is small and we want to "
           "keep the layout.",
           "keep the plumbing where it is, replace the units and worktop, add better lighting; "
           "get three quotes and agree the order of the trades",
           "choose and order the units first (they take weeks), book the electrician, and plan "
           "how you'll cook during the work",
           "roughly 8,000 to 15,000 keeping the layout with mid-range units, more with stone "
           "worktops or new appliances"),
    _Event("a family reunion", "family reunion", "About forty people, three generations, one "
           "day in summer.",
           "one long afternoon in a rented hall or a park shelter, with a shared meal, a group "
           "photo at a set time, and something for the kids",
           "pick the date and book the venue first, then send invitations, then sort the food "
           "and the photographer",
           "about 15 per person with a park and a potluck, 50 or more with a hall and "
           "catering"),
    _Event("a charity bake sale", "bake sale", "It's for the school, on a Saturday morning.",
           "recruit bakers two weeks ahead, price everything at one or two, list allergens on "
           "the labels, and take cards as well as cash",
           "book the space, recruit bakers, print labels and price signs, get a float of change",
           "almost nothing: tables, labels and a float of change, since the cakes are "
           "donated"),
    _Event("a hiking trip in the Dolomites", "Dolomites", "Four days, hut to hut, in early "
           "July.",
           "four stages of five to six hours between huts, the hardest on day two and an easy "
           "one last, with a spare afternoon for bad weather",
           "book the huts now because they fill up, check the route conditions a week before, "
           "and pack for cold nights and storms",
           "about 70 to 90 per person per night for half board in the huts, plus travel"),
    _Event("a home office setup", "home office", "It's a small spare room, and I'm on video "
           "calls half the day.",
           "the desk side-on to the window, a proper chair first, then a monitor at eye height, "
           "a decent headset and a light in front of you for calls",
           "measure the room, order the chair and desk first because they take longest, then "
           "the monitor, then lighting and cables",
           "about 600 for a good chair, a simple desk and a monitor; 1,500 with a "
           "height-adjustable desk and a better screen"),
)


def _event_topics(e: _Event) -> tuple[Topic, ...]:
    topics = (
        _topic("other", f"Plan {e.name}", e.key, f"Help me plan {e.name}. {e.situation}",
               f"Here's a plan for {e.name}: {e.plan}."),
        _topic("other", f"Checklist for {e.name}", e.key,
               f"Make me a checklist for {e.name}, ordered by what has a deadline. "
               f"{e.situation}",
               f"The checklist for {e.name}, deadlines first: {e.checklist}."),
    )
    if e.budget is None:
        return topics
    return (*topics, _topic("other", f"Budget for {e.name}", e.key,
                            f"Roughly what would {e.name} cost? Give me a low and a high "
                            "estimate.", f"For {e.name}: {e.budget}."))


_OTHER: tuple[Topic, ...] = (
    _topic("other", "Gift ideas for my dad's 70th", "70th",
           "Gift ideas for my dad's 70th birthday? He likes gardening, history and long walks.",
           "For his 70th: a guided history walk in a city he likes, good pruning shears "
           "engraved with the date, or a framed old map of his home town."),
    _topic("other", "Meal plan for a busy week", "meal plan",
           "Make me a meal plan for a busy week: two adults, 30 minutes at most per dinner, "
           "mostly vegetarian.",
           "A meal plan of five dinners under 30 minutes, four of them vegetarian, with one "
           "shopping list; Sunday's chilli doubles as Tuesday's lunch."),
    _topic("other", "Name ideas for a bakery", "bakery",
           "Name ideas for a small neighbourhood bakery that does sourdough and cinnamon buns?",
           "Ten bakery names, from plain to playful, each checked for an obvious clash with a "
           "well-known brand; my favourite is 'Proof & Crumb'."),
    _topic("other", "Choosing a road bike under 1,500", "road bike",
           "I want my first road bike, budget 1,500. What should I look for?",
           "At that price a road bike with an aluminium frame, Shimano 105 and disc brakes is "
           "the sweet spot; fit matters more than brand, so test-ride two or three."),
    _topic("other", "Reply to my landlord about the deposit", "deposit",
           "My landlord wants to keep 400 of the deposit for 'wear and tear'. Help me reply "
           "politely but firmly.",
           "Draft reply about the deposit: thank them, point out that normal wear and tear "
           "can't be deducted, ask for an itemised list with receipts, and mention the deposit "
           "scheme's free dispute service."),
    _topic("other", "Houseplants for a dark flat", "houseplants",
           "Which houseplants survive in a dark flat with north-facing windows?",
           "Houseplants that cope with little light: ZZ plant, snake plant, pothos and the "
           "cast-iron plant. Water them less than you think."),
    _topic("other", "Packing list for a week of camping", "camping",
           "Packing list for a week of camping with two kids, by car, in June.",
           "A camping packing list by category: shelter, sleeping, kitchen, clothes for rain "
           "and cold evenings, kids' things, and a small first-aid kit."),
    _topic("other", "Deciding between two job offers", "job offers",
           "I have two job offers: a startup paying 10 % more and a bank with better hours. "
           "Help me think it through.",
           "Let's compare the two job offers on what you'd learn, the hours, stability and the "
           "money after tax; then write down which choice you'd regret more in two years."),
    _topic("other", "Bedtime routine for a toddler", "bedtime routine",
           "Our two-year-old fights bedtime every night. What bedtime routine works?",
           "A bedtime routine that works for many toddlers: the same four steps in the same "
           "order every night (bath, pyjamas, one book, lights out), starting at a fixed time."),
    _topic("other", "Questions to ask at a flat viewing", "flat viewing",
           "What should I ask at a flat viewing tomorrow?",
           "Questions for the flat viewing: what the bills come to, how old the boiler is, why "
           "the last tenants left, what's included, and whether there's damp anywhere."),
)

# --- coding and debugging in a chat ------------------------------------------------------------

_CODING: tuple[Topic, ...] = (
    _topic("coding", "Regex for UK postcodes", "postcode",
           "I need a regex that validates UK postcodes like SW1A 1AA and M1 1AE.",
           "This postcode regex covers the standard formats: ^[A-Z]{1,2}[0-9][A-Z0-9]? "
           "?[0-9][A-Z]{2}$ with the case-insensitive flag. It accepts a missing space; "
           "normalise to upper case before storing."),
    _topic("coding", "Bash script to rename photos by date", "rename",
           "Write a bash script to rename my photos to the date they were taken, like "
           "2024-06-01_1432.jpg.",
           "Here's a script that reads the date with exiftool and does the rename, skipping "
           "files without EXIF data and never overwriting an existing file."),
    _topic("coding", "Callbacks to async/await in Node", "async/await",
           "Convert this Node function from callbacks to async/await. It reads a file, parses "
           "the JSON and writes a summary.",
           "Here it is with async/await and fs/promises; errors now propagate as exceptions, so "
           "one try/catch replaces the three error checks."),
    _topic("coding", "Merge CSV files with Python", "CSV files",
           "I have 40 CSV files with the same columns. Merge them into one with Python and add "
           "a column with the source file name.",
           "Here's a script that loops over the CSV files with pathlib, reads each with pandas, "
           "adds the source column and concatenates them once at the end."),
    _topic("coding", "Debounce a search input in React", "debounce",
           "How do I debounce a search input in React so it only fetches after the user stops "
           "typing?",
           "Keep the input in state and debounce the fetch: a useEffect that sets a 300 ms "
           "timeout and clears it on the next keystroke. Here's a small useDebounce hook."),
    _topic("coding", "Dockerfile for a FastAPI app", "Dockerfile",
           "Write a production Dockerfile for a FastAPI app with a requirements.txt.",
           "Here is a Dockerfile with a slim Python base, dependencies installed before the code "
           "is copied so that layer caches, a non-root user, and uvicorn as the command."),
    _topic("coding", "GitHub Actions workflow for pytest", "workflow",
           "Write a GitHub Actions workflow that runs pytest on every pull request.",
           "Here's a workflow that runs pytest on every push and pull request, on Python 3.11 "
           "and 3.12, with pip caching."),
    _topic("coding", "Parse ISO dates in JavaScript", "ISO dates",
           "What's the safest way to parse ISO dates like 2024-03-05 in JavaScript without "
           "timezone surprises?",
           "new Date('2024-03-05') treats date-only ISO dates as UTC, which shows the previous "
           "day west of Greenwich. Split the string and use new Date(year, month - 1, day) for a "
           "local date."),
    _topic("coding", "Upsert in Postgres", "upsert",
           "How do I upsert a user by email in Postgres?",
           "Use INSERT … ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name: a "
           "single-statement upsert. It needs a unique index on email."),
    _topic("coding", "Stream a large JSON file in Python", "large JSON",
           "How do I read a large JSON file in Python (4 GB, an array of objects) without "
           "loading it all into memory?",
           "Stream it: ijson.items(f, 'item') yields one object of the large JSON array at a "
           "time, so memory stays flat."),
    _topic("coding", "Retry an HTTP call with backoff in Python", "backoff",
           "Write a Python function that retries an HTTP GET with backoff.",
           "Here's a small retry loop with exponential backoff and jitter around requests.get, "
           "retrying only on timeouts and 5xx responses; the tenacity library does the same in "
           "two lines."),
    _topic("coding", "Go HTTP server with graceful shutdown", "graceful shutdown",
           "Show me a Go HTTP server with graceful shutdown on Ctrl+C.",
           "Run ListenAndServe in a goroutine, wait for SIGINT or SIGTERM, then call "
           "server.Shutdown with a 10-second context: that's graceful shutdown, where requests "
           "in flight finish and new ones are refused."),
    _topic("coding", "CLI with argparse subcommands", "subcommands",
           "How do I build a Python CLI with argparse subcommands like git's?",
           "Use parser.add_subparsers(dest='command', required=True), one add_parser per "
           "command, and set_defaults(func=...) so each of the subcommands dispatches to its "
           "own function."),
    _topic("coding", "Cron for the first Monday of the month", "first Monday",
           "Write a cron expression that runs at 9:00 on the first Monday of every month.",
           "Cron can't say 'first Monday' directly: '0 9 1-7 * 1' runs on days 1-7 OR on any "
           "Monday. Schedule 0 9 1-7 * * and check in the script that it's Monday."),
    _topic("coding", "Sort a list of dicts by two keys", "two keys",
           "How do I sort a list of dicts by two keys in Python: team ascending, score "
           "descending?",
           "sorted(rows, key=lambda r: (r['team'], -r['score'])) sorts by two keys: team "
           "ascending, then score descending."),
    _topic("coding", "SQL to find duplicate emails", "duplicate emails",
           "Write SQL to find duplicate emails in the users table, ignoring case.",
           "SELECT lower(email), count(*) FROM users GROUP BY lower(email) HAVING count(*) > 1 "
           "lists the duplicate emails, ignoring case."),
    _topic("coding", "Typed fetch wrapper in TypeScript", "fetch wrapper",
           "Write a typed fetch wrapper in TypeScript that throws on HTTP errors.",
           "Here's a generic fetch wrapper, getJson<T>(url: string): Promise<T>, that throws on "
           "non-2xx responses; validate the shape with zod if the API isn't yours."),
    _topic("coding", "Makefile for a Python project", "Makefile",
           "Write a Makefile for a Python project: install, test, lint, format.",
           "Here's a Makefile with install, test, lint and format targets that use the "
           "virtual environment's binaries, so nobody has to activate it first."),
)

_DEBUGGING: tuple[Topic, ...] = (
    _topic("debugging", "TypeError: 'NoneType' object is not subscriptable", "NoneType",
           "My Flask view crashes with:\nTypeError: 'NoneType' object is not subscriptable\non "
           "the line user['name'].",
           "get_user returned None because no user matched the id, and the code subscripted it "
           "anyway. Return a 404 when it's None, before using user['name'], and the NoneType "
           "error goes away."),
    _topic("debugging", "CORS error calling my API from localhost", "CORS",
           "The browser blocks requests from localhost:5173 to my API with a CORS error: No "
           "'Access-Control-Allow-Origin' header is present.",
           "The API must send the CORS headers, not the frontend: allow http://localhost:5173 "
           "as an origin in the API's CORS middleware. In development, a proxy in vite.config "
           "avoids the problem entirely."),
    _topic("debugging", "UnicodeDecodeError reading a CSV", "UnicodeDecodeError",
           "pandas.read_csv fails with:\nUnicodeDecodeError: 'utf-8' codec can't decode byte "
           "0xe9",
           "The file isn't UTF-8, most likely Windows-1252 from Excel. Pass encoding='cp1252' "
           "to read_csv and the UnicodeDecodeError goes away; check that accented names look "
           "right afterwards."),
    _topic("debugging", "React useEffect runs twice", "useEffect",
           "My useEffect runs twice when the component mounts, so the API is called twice. Why?",
           "In development, React's Strict Mode mounts components twice on purpose to surface "
           "missing cleanup. Return a cleanup function from the useEffect; in production it "
           "runs once."),
    _topic("debugging", "Docker container can't reach localhost", "localhost",
           "My app in a Docker container can't connect to Postgres on localhost:5432 on my "
           "laptop.",
           "Inside the container, localhost is the container itself. Use host.docker.internal "
           "instead on Mac and Windows, or run Postgres in the same Compose network and use its "
           "service name."),
    _topic("debugging", "Git says I'm in detached HEAD", "detached HEAD",
           "Git says I'm in 'detached HEAD' state and I've made two commits. Did I lose them?",
           "No. Detached HEAD means you checked out a commit, not a branch. Run git switch -c "
           "rescue to put your two commits on a branch, then merge it as usual."),
    _topic("debugging", "Deadlock in a Postgres batch job", "deadlock",
           "Our nightly batch job fails with:\nERROR: deadlock detected\nTwo workers update the "
           "same table.",
           "Each worker updates rows in a different order, so they wait on each other. Sort the "
           "ids before updating, in every worker, and the deadlock can't happen; a retry covers "
           "the rare leftover."),
    _topic("debugging", "ERESOLVE dependency conflict in npm", "ERESOLVE",
           "npm install fails with ERESOLVE unable to resolve dependency tree. What do I do?",
           "ERESOLVE means two packages want incompatible versions of a peer dependency. Upgrade "
           "the package that pins the old version; --legacy-peer-deps silences the error but "
           "hides the conflict."),
    _topic("debugging", "Import works in the terminal but not in VS Code", "VS Code",
           "import requests works in my terminal but VS Code says the module isn't found.",
           "VS Code is using a different interpreter than your terminal. Pick the project's "
           "virtual environment with 'Python: Select Interpreter' and the import resolves the "
           "same way."),
    _topic("debugging", "Cannot read properties of undefined (reading 'map')", "reading 'map'",
           "My React component crashes with:\nUncaught TypeError: Cannot read properties of "
           "undefined (reading 'map')",
           "The data isn't there on the first render, so items is undefined when .map runs; "
           "that's the (reading 'map') in the message. Default it to an empty array, or show a "
           "loading state until the fetch finishes."),
    _topic("debugging", "Cron job runs by hand but not on schedule", "cron job",
           "My cron job works when I run the script by hand, but does nothing on schedule.",
           "The cron job runs with a minimal environment: no PATH from your shell and a "
           "different working directory. Use absolute paths, set PATH in the crontab, and "
           "redirect output to a log to see the error."),
    _topic("debugging", "SSL certificate verify failed in requests", "certificate verify failed",
           "requests.get fails with:\nSSLError: certificate verify failed: unable to get local "
           "issuer certificate",
           "Python can't find the authority that signed the server's certificate, often a "
           "company proxy's. Point REQUESTS_CA_BUNDLE at your company's CA file instead of "
           "turning verification off; that fixes 'certificate verify failed' safely."),
    _topic("debugging", "Memory keeps growing in a Node service", "memory",
           "Memory in our Node service grows by about 100 MB an hour until it restarts.",
           "Take two heap snapshots a few minutes apart and compare them. Memory growing like "
           "this is usually a cache without a limit, or event listeners added per request and "
           "never removed."),
    _topic("debugging", "Saved dates are an hour off", "an hour off",
           "Dates we save from the form end up an hour off in the database, but only in summer.",
           "An hour off only in summer is daylight saving time: the form sends local time "
           "without an offset and the server assumes UTC. Send ISO strings with the offset, and "
           "store UTC."),
    _topic("debugging", "Python loop over 2 million rows is slow", "slow",
           "This Python loop over 2 million rows takes 20 minutes. Why is it so slow?",
           "It's slow because each iteration checks membership with 'in' on a list, which scans "
           "the whole list. Turn the list into a set first and it takes seconds."),
    _topic("debugging", "Jest tests pass alone but fail together", "together",
           "My Jest tests pass when I run them one at a time but fail when run together.",
           "Tests that pass alone but fail together share state: a module-level variable, a "
           "mock not restored, or fake timers left on. Add afterEach(() => "
           "jest.restoreAllMocks()) and look for globals."),
    _topic("debugging", "Port 8000 already in use", "already in use",
           "uvicorn won't start:\n[Errno 98] Address already in use\non port 8000.",
           "Another process still holds port 8000, often an earlier server that didn't exit. "
           "Find it with lsof -i :8000 and stop it; the 'already in use' error then goes away."),
    _topic("debugging", "Crash in a C extension after a numpy upgrade", "numpy",
           "After upgrading numpy, importing our C extension crashes Python with a segfault.",
           "A C extension built against an older numpy can crash after a numpy upgrade because "
           "the binary interface changed. Rebuild the extension against the new version, or "
           "pin numpy until it ships new wheels."),
)

CHAT_TOPICS: tuple[Topic, ...] = (
    *(t for c in _CONCEPTS for t in _concept_topics(c)),
    *_LEARNING,
    *(_comparison_topic(*c) for c in _COMPARISONS),
    *(t for s in _SUBJECTS for t in _subject_topics(s)),
    *(_options_topic(*o) for o in _OPTIONS),
    *_RESEARCH,
    *(t for d in _DOCS for t in _doc_topics(d)),
    *_WRITING,
    *(t for d in _DATASETS for t in _dataset_topics(d)),
    *_DATA,
    *(t for e in _EVENTS for t in _event_topics(e)),
    *_OTHER,
    *_CODING,
    *_DEBUGGING,
)
