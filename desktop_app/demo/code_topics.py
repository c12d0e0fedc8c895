"""What the coding assistants (Claude Code, Codex, Copilot, …) work on in the demo: five
repositories, their components and the tasks done in them.

Each component names its files, its entry point and how it works, and lists its own features and
bugs, each written as one task (title, prompt, report). A few task forms fit any component (write
its tests, explain it, fix its flaky test); they use only that component's own facts and the
idioms of its language, so every title still has a transcript that fits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from desktop_app.demo.corpus import Project, Topic

BILLING = Project("~/src/billing-api", "python", "pytest", 186)
DASHBOARD = Project("~/src/web-dashboard", "typescript", "npm test", 240)
PIPELINE = Project("~/src/data-pipeline", "python", "pytest", 131)
SEARCH = Project("~/src/search-service", "go", "go test ./...", 97)
INFRA = Project("~/work/infra", "terraform", "terraform plan", 0)
PROJECTS: tuple[Project, ...] = (BILLING, DASHBOARD, PIPELINE, SEARCH, INFRA)


@dataclass(frozen=True)
class _Task:
    kind: str
    title: str
    key: str
    search: str
    prompt: str
    result: str


@dataclass(frozen=True)
class _Component:
    project: Project
    name: str  # a singular noun phrase: "the {name} works"
    file: str
    test: str
    symbol: str
    how: str
    tasks: tuple[_Task, ...]


def _feature(title: str, key: str, search: str, prompt: str, result: str) -> _Task:
    return _Task("coding", title, key, search, prompt, result)


def _bug(title: str, key: str, search: str, prompt: str, result: str) -> _Task:
    return _Task("debugging", title, key, search, prompt, result)


_COMPONENTS: tuple[_Component, ...] = (
    # --- billing-api ---------------------------------------------------------------------------
    _Component(
        BILLING, "payment retry", "src/billing/retry.py", "tests/test_retry.py", "schedule_retry",
        "a failed charge goes to schedule_retry, which waits with exponential backoff, tries up "
        "to three more times, and marks the invoice past due after the last failure.",
        (
            _feature("Add jitter to the payment retry backoff", "jitter", "backoff",
                     "After an outage all failed payments retry in the same second. Add jitter "
                     "to the backoff in src/billing/retry.py.",
                     "The backoff now adds full jitter, so retries spread out over the window; "
                     "the tests pin the random source so they stay deterministic."),
            _feature("Make the payment retry limit configurable", "retry limit", "MAX_RETRIES",
                     "The payment retry limit is hard-coded to 3. Make the retry limit a setting, "
                     "with 3 as the default.",
                     "The retry limit now comes from settings.PAYMENT_RETRY_LIMIT, defaulting to "
                     "3; a test covers a limit of 0, which means no retries."),
            _bug("Fix the double charge from a payment retry", "double charge", "invoice.status",
                 "A customer got a double charge: a payment retry ran after they had already "
                 "paid by card. Find out why the retry didn't notice.",
                 "The retry job used the invoice as it was when the retry was scheduled and never "
                 "re-read it. It reloads the invoice now and skips paid ones; a regression test "
                 "covers the double charge."),
            _bug("Fix 'expected 3 retries, got 4' in the retry tests", "3 retries", "attempt",
                 "tests/test_retry.py fails since this morning:\nAssertionError: expected 3 "
                 "retries, got 4\nWhat changed?",
                 "This morning's change counted the first attempt as a retry, so the loop ran "
                 "once too often. The bound is fixed and the test sees 3 retries again."),
            _feature("Log each payment retry with its attempt number", "attempt number",
                     "logger",
                     "Support can't tell how often a payment was retried. Log each payment retry "
                     "with its attempt number and the decline code.",
                     "Each retry logs the invoice id, the attempt number and the decline code as "
                     "structured fields, so support can filter on them."),
            _bug("Fix retries scheduled in the past after a DST change", "DST", "timedelta",
                 "After last night's DST change, some payment retries were scheduled an hour in "
                 "the past and ran at once.",
                 "The retry time was computed in local time and stored without an offset. It is "
                 "computed and stored in UTC now, so a DST change no longer moves retries."),
        )),
    _Component(
        BILLING, "invoice export", "src/billing/invoices.py", "tests/test_invoices.py",
        "export_invoices",
        "export_invoices reads invoices from the database in pages of 500, writes each as a CSV "
        "row, and uploads the finished file to object storage.",
        (
            _feature("Add a date range to the invoice export", "date range", "export_invoices",
                     "Finance wants to export one quarter at a time. Add a date range to the "
                     "invoice export, with both ends optional.",
                     "export_invoices takes start and end dates now, both optional and "
                     "inclusive; the API passes them through and a test covers the date range at "
                     "month boundaries."),
            _feature("Add a VAT column to the invoice export", "VAT column", "csv_row",
                     "Accountants keep asking for the tax amount. Add a VAT column to the "
                     "invoice export, after the net amount.",
                     "The CSV has a VAT column after the net amount now, rounded like the "
                     "invoice; the header test and a sample export are updated."),
            _bug("Fix the invoice export for large customers", "large customers",
                 "fetchall",
                 "The invoice export times out for large customers:\nTimeoutError: request "
                 "took longer than 30s",
                 "The export loaded every invoice into memory before writing anything. It "
                 "streams pages of 500 now, and exports for large customers finish in seconds."),
            _bug("Fix rounding in the invoice totals", "rounding", "total",
                 "Invoice totals in the export differ by a cent from the PDF. Looks like a "
                 "rounding problem.",
                 "The export summed floats while the PDF uses Decimal. Both use Decimal with "
                 "half-up rounding now, so the rounding difference is gone."),
            _feature("Let the invoice export write Excel files", "Excel", "csv.writer",
                     "Finance opens the CSV in Excel and the accents break. Let the invoice "
                     "export write Excel files too.",
                     "The export writes Excel files with openpyxl when asked, with real dates and "
                     "numbers; the CSV stays the default and now starts with a BOM."),
            _bug("Fix invoices missing from the export at page boundaries", "page boundaries",
                 "OFFSET",
                 "Some invoices are missing from the export, always near multiples of 500. "
                 "Something goes wrong at page boundaries.",
                 "Paging used OFFSET over a query ordered by date only, so invoices with equal "
                 "dates could fall between pages. It pages by date and id now, so nothing is "
                 "lost at page boundaries."),
        )),
    _Component(
        BILLING, "webhook handler", "src/webhooks/handler.py", "tests/test_webhooks.py",
        "handle_event",
        "handle_event checks the signature of each incoming webhook, parses the payload into an "
        "Event, and dispatches by event type to one small function per type.",
        (
            _feature("Handle the charge.refunded webhook", "charge.refunded", "EVENT_HANDLERS",
                     "We ignore charge.refunded events, so refunds made in the provider's "
                     "dashboard never reach us. Handle the charge.refunded webhook.",
                     "There's a handler for charge.refunded now: it finds the payment and "
                     "records the refund, and ignores refunds we issued ourselves."),
            _feature("Ignore duplicate webhook deliveries", "duplicate", "event.id",
                     "The provider sometimes delivers the same webhook twice. Make the handler "
                     "ignore a duplicate delivery.",
                     "The handler stores each event id and skips a duplicate; a unique index "
                     "makes that safe when two deliveries arrive at once."),
            _bug("Fix the failing webhook signature check", "signature", "verify_signature",
                 "Every webhook fails the signature check since the framework upgrade:\n"
                 "InvalidSignature: computed digest does not match",
                 "The new framework parses the JSON before our code sees it, and re-serialising "
                 "changed the bytes. The signature check uses the raw body again."),
            _bug("Fix KeyError: 'customer_id' in the webhook handler", "customer_id",
                 "customer_id",
                 "Some webhooks crash the handler with KeyError: 'customer_id'. Which events "
                 "don't have it?",
                 "Test events sent from the provider's dashboard carry no customer_id. The "
                 "handler logs and acknowledges them now instead of crashing."),
            _feature("Queue slow webhook events for later", "queue", "handle_event",
                     "Some webhook events take seconds to process and the provider times out. "
                     "Put the slow ones on a queue and acknowledge at once.",
                     "handle_event verifies and stores the event, answers 200, and puts the slow "
                     "types on the job queue, so the provider no longer times out."),
            _bug("Fix webhooks rejected for clock skew", "clock skew", "tolerance",
                 "About 1 % of webhooks fail with 'timestamp outside tolerance'. Is clock skew "
                 "on our side the problem?",
                 "The tolerance was 5 seconds and one host drifts by 8. The tolerance is 5 "
                 "minutes now, as the provider recommends, so clock skew no longer rejects "
                 "webhooks."),
        )),
    _Component(
        BILLING, "refund flow", "src/billing/refunds.py", "tests/test_refunds.py",
        "issue_refund",
        "issue_refund checks that the payment can be refunded, calls the payment provider, and "
        "writes a credit note in the same transaction as the status change.",
        (
            _feature("Support partial refunds", "partial refund", "issue_refund",
                     "Support wants to refund part of a payment. Add partial refund support to "
                     "issue_refund.",
                     "issue_refund takes an amount now; a partial refund writes a credit note "
                     "for that amount, and the payment shows as partly refunded."),
            _feature("Email the customer when a refund is issued", "email", "send_email",
                     "Customers ask whether their refund went through. Send an email when a "
                     "refund is issued.",
                     "A refund now queues an email with the amount and the expected arrival "
                     "date, sent after the transaction commits."),
            _bug("Block refunds above the amount paid", "amount paid", "amount",
                 "Support managed to refund 120 on a payment of 100. Refunds above the amount "
                 "paid must be impossible.",
                 "issue_refund compared against the invoice total, not the amount paid after "
                 "discounts and earlier refunds. It checks the amount paid now."),
            _bug("Fix the deadlock in the refund flow", "deadlock", "with_for_update",
                 "Two refunds at once sometimes fail with:\ndeadlock detected while waiting "
                 "for ShareLock",
                 "The two code paths locked the payment and the invoice in opposite orders. "
                 "Both lock the payment first now, and a test with two threads no longer hits "
                 "the deadlock."),
            _feature("Require approval for large refunds", "approval", "issue_refund",
                     "Refunds above 1,000 should need a second person. Add an approval step to "
                     "the refund flow.",
                     "Refunds above the limit start as pending and need approval from another "
                     "admin; the approver and the time are stored with the credit note."),
            _bug("Fix refunds paid out in the wrong currency", "currency", "currency",
                 "A customer paid in euros and got the refund in dollars. The refund flow picks "
                 "the wrong currency.",
                 "issue_refund took the currency from the account's default, not from the "
                 "payment. It uses the payment's currency now, with a test on a dollar account."),
        )),
    _Component(
        BILLING, "tax calculator", "src/billing/tax.py", "tests/test_tax.py", "tax_for",
        "tax_for looks up the rate by the customer's country and whether they are a business, "
        "applies the reverse charge for EU businesses with a VAT number, and rounds per line.",
        (
            _feature("Add Swiss VAT to the tax calculator", "Swiss", "RATES",
                     "We're selling to Switzerland from next month. Add Swiss VAT to the tax "
                     "calculator.",
                     "Switzerland is in the rate table at 8.1 %, outside the EU rules; tests "
                     "cover a Swiss consumer and a Swiss business."),
            _feature("Cache the tax rate lookups", "tax rate", "get_rate",
                     "tax_for reads the rate table from the database for every invoice line. "
                     "Cache the tax rate lookups.",
                     "Tax rate lookups are cached per process for ten minutes, so an invoice "
                     "makes one query instead of one per line."),
            _bug("Fix the reverse charge for EU businesses", "reverse charge", "vat_number",
                 "An EU business with a valid VAT number was charged VAT; the reverse charge "
                 "should have applied.",
                 "The VAT number was checked before it was normalised, so numbers with spaces "
                 "failed. It is normalised first now, and the reverse charge applies."),
            _bug("Fix a one-cent difference in tax totals", "one-cent", "quantize",
                 "For some customers the invoice total has a one-cent difference from the sum "
                 "of its lines.",
                 "Tax was rounded once on the total while the lines were rounded one by one. It "
                 "rounds per line now, as the invoice shows it; the one-cent difference is "
                 "gone."),
            _feature("Return a tax breakdown per rate", "breakdown", "tax_for",
                     "Invoices with mixed rates need a tax breakdown per rate. Add it to what the "
                     "tax calculator returns.",
                     "tax_for returns a breakdown per rate with the net and tax amounts, and the "
                     "invoice template shows one line per rate."),
            _bug("Fix the tax calculator for customers without a country", "without a country",
                 "country",
                 "Invoices fail for customers without a country on file: the tax calculator "
                 "raises KeyError: None.",
                 "Customers without a country fell through the rate lookup. It uses the billing "
                 "address's country now, and checkout asks for one when it is missing."),
        )),
    # --- web-dashboard ---------------------------------------------------------------------------
    _Component(
        DASHBOARD, "date picker", "src/components/DatePicker.tsx",
        "src/components/DatePicker.test.tsx", "DatePicker",
        "DatePicker keeps the selected range in local state, renders a month grid with date-fns "
        "helpers, and calls onChange only once both ends of the range are chosen.",
        (
            _feature("Add keyboard navigation to the date picker", "keyboard", "onKeyDown",
                     "The date picker can't be used without a mouse. Add keyboard navigation: "
                     "arrows move, Enter selects, Escape closes.",
                     "Arrow keys move the focus day, Page Up and Down change month, Enter "
                     "selects and Escape closes; keyboard tests cover each key."),
            _feature("Add preset ranges to the date picker", "preset", "presets",
                     "Add preset ranges to the date picker: last 7 days, last 30 days, this "
                     "month.",
                     "Three preset buttons sit above the calendar now; each sets the whole range "
                     "at once and fires onChange once."),
            _bug("Fix the date picker selecting the wrong day", "wrong day", "new Date(",
                 "Users in New York say the date picker selects the wrong day: the one before "
                 "the day they click.",
                 "The picker built dates with new Date('2026-03-05'), which parses as UTC "
                 "midnight, the evening before in New York. It builds local dates now, so the "
                 "wrong day is gone."),
            _bug("Fix the date picker crash on an empty range", "empty range", "range.start",
                 "The date picker crashes on an empty range, after pressing Clear:\nUncaught "
                 "TypeError: Cannot read properties of undefined (reading 'getTime')",
                 "Clear set the range to undefined but the render assumed a start date. An "
                 "empty range shows the placeholder now, and a test presses Clear."),
            _feature("Show week numbers in the date picker", "week numbers", "getISOWeek",
                     "Our users plan by week. Show ISO week numbers in the date picker.",
                     "The month grid shows ISO week numbers now, one at the start of each row; "
                     "clicking one selects the whole week."),
            _bug("Fix the date picker closing on the first click", "first click",
                 "onClickOutside",
                 "Inside a modal, the date picker closes on the first click.",
                 "The outside-click handler treated the modal's portal as outside. It checks "
                 "the portal too, so the first click no longer closes the picker."),
        )),
    _Component(
        DASHBOARD, "settings page", "src/pages/Settings.tsx", "src/pages/Settings.test.tsx",
        "SettingsPage",
        "SettingsPage loads the user's settings with a query hook, edits a copy in a form, and "
        "saves only the changed fields when the user presses Save.",
        (
            _feature("Add a dark mode toggle to the settings page", "dark mode", "theme",
                     "Add a dark mode toggle to the settings page: light, dark or follow the "
                     "system.",
                     "The settings page has a dark mode choice now (light, dark, system); it "
                     "applies at once and is saved with the other settings."),
            _feature("Warn about unsaved changes on the settings page", "unsaved changes",
                     "isDirty",
                     "People lose edits by clicking away. Warn about unsaved changes before "
                     "leaving the settings page.",
                     "Leaving the page with unsaved changes asks for confirmation now, both for "
                     "links in the app and for closing the tab."),
            _bug("Fix the settings page saving stale values", "stale", "onSubmit",
                 "If I change my email and press Save quickly, the settings page saves the old "
                 "value. Something is stale.",
                 "Save read the form state from a stale closure. It reads the current values "
                 "when it runs now, and a test types and saves straight away."),
            _bug("Fix the flicker when the settings page loads", "flicker", "isLoading",
                 "The settings page shows empty fields for a moment, then fills them in. Fix "
                 "the flicker.",
                 "The form rendered before the query finished. It shows a skeleton until the "
                 "settings arrive, so the flicker is gone."),
            _feature("Add a time zone setting to the settings page", "time zone", "Intl",
                     "Let users choose their time zone on the settings page, defaulting to the "
                     "browser's.",
                     "The settings page has a searchable time zone list, defaulting to the "
                     "browser's zone; dates across the app use the chosen one."),
            _bug("Fix the settings page losing edits on a failed save", "failed save",
                 "onError",
                 "After a failed save, say when the network drops, the settings page resets the "
                 "form and the edits are gone.",
                 "On error the form was reset from the server's copy. It keeps the edits now and "
                 "offers Retry, so a failed save loses nothing."),
        )),
    _Component(
        DASHBOARD, "login flow", "src/auth/login.ts", "src/auth/login.test.ts", "useLogin",
        "useLogin posts the credentials, keeps the session token in memory, refreshes it a "
        "minute before it expires, and sends the user back to the page they came from.",
        (
            _feature("Add 'remember me' to the login flow", "remember me", "refreshToken",
                     "Add a 'remember me' checkbox to the login flow that keeps people signed "
                     "in for 30 days.",
                     "With 'remember me' ticked, the refresh token lives in a secure cookie for "
                     "30 days; without it, the session ends with the browser."),
            _feature("Add SSO sign-in to the login flow", "SSO", "signIn",
                     "Enterprise customers need SSO. Add an SSO sign-in button to the login "
                     "flow that starts the OIDC redirect.",
                     "The login page has an SSO button now: it asks for the work email, finds "
                     "the company's identity provider and starts the redirect."),
            _bug("Fix the login redirect loop", "redirect loop", "redirect",
                 "After the token expires, the app bounces between /login and /dashboard "
                 "forever. Fix the redirect loop.",
                 "A failed refresh left an expired token that the route guard still trusted. A "
                 "failed refresh clears the session now, so there is no redirect loop."),
            _bug("Fix users being logged out after a deploy", "logged out", "storage",
                 "Every deploy, everyone gets logged out. Why?",
                 "The storage key for the session included the build hash, so a new build "
                 "looked for a different key. The key is fixed now; nobody is logged out by a "
                 "deploy."),
            _feature("Add a show-password toggle to the login form", "show-password",
                     "password",
                     "Add a show-password toggle to the login form that works with the keyboard "
                     "and screen readers.",
                     "The password field has a show-password toggle with an accessible label; "
                     "it goes back to hidden after a successful login."),
            _bug("Fix the login flow in Safari private mode", "Safari", "localStorage",
                 "Login fails silently in Safari private mode.",
                 "Older Safari versions throw on localStorage writes in private mode, and the "
                 "error was swallowed. The flow falls back to memory, so Safari logs in."),
        )),
    _Component(
        DASHBOARD, "usage chart", "src/charts/UsageChart.tsx",
        "src/charts/UsageChart.test.tsx", "UsageChart",
        "UsageChart fetches daily usage for the selected range, fills missing days with zero, "
        "and draws bars with a seven-day rolling average on top.",
        (
            _feature("Add a CSV download to the usage chart", "CSV download", "toCsv",
                     "Add a CSV download to the usage chart, with the same days and numbers as "
                     "the chart.",
                     "The usage chart has a CSV download button now: it saves the visible range, "
                     "one row per day, including the zero days."),
            _feature("Show a tooltip on the usage chart", "tooltip", "Tooltip",
                     "Show a tooltip on the usage chart with the day, the count and the rolling "
                     "average.",
                     "Hovering a bar shows a tooltip with the day, its count and the seven-day "
                     "average; it also works with keyboard focus."),
            _bug("Fix the usage chart dropping the last day", "last day", "endOfDay",
                 "The usage chart drops the last day of the range; today's usage never shows.",
                 "The range ended at midnight at the start of the last day, so that day was "
                 "excluded. It ends at the end of the last day now."),
            _bug("Fix the usage chart re-rendering on every keystroke", "re-rendering", "useMemo",
                 "Typing in the search box is slow, and the profiler shows the usage chart "
                 "re-rendering on every keystroke.",
                 "The chart got a new data array on every parent render. It is memoised now, so "
                 "typing no longer triggers re-rendering of the chart."),
            _feature("Compare with the previous period in the usage chart", "previous period",
                     "range",
                     "Show the previous period as a faint line in the usage chart, so growth is "
                     "easy to see.",
                     "The chart fetches the previous period of the same length and draws it as a "
                     "dashed line; the tooltip shows both values."),
            _bug("Fix the usage chart's axis labels in dark mode", "axis labels", "color",
                 "In dark mode the usage chart's axis labels are black on dark grey and can't "
                 "be read.",
                 "The axis used a hard-coded colour. It takes the theme's text colour now, so "
                 "the axis labels are readable in both themes."),
        )),
    _Component(
        DASHBOARD, "team invite form", "src/pages/team/InviteForm.tsx",
        "src/pages/team/InviteForm.test.tsx", "InviteForm",
        "InviteForm validates each email address as you type, sends all invites in one request, "
        "and lists the addresses that failed.",
        (
            _feature("Allow pasting many emails into the invite form", "pasting", "onPaste",
                     "Admins invite whole teams. Allow pasting a list of emails into the invite "
                     "form, separated by commas, spaces or new lines.",
                     "Pasting a list splits it on commas, spaces and new lines, drops "
                     "duplicates and shows each address as a chip to check."),
            _feature("Add a role picker to the invite form", "role picker", "role",
                     "Invites always make people members. Add a role picker to the invite form: "
                     "member or admin.",
                     "Each invite row has a role picker now, member by default; the request "
                     "sends the role with each address."),
            _bug("Fix duplicate invites from a double click", "double click", "isSubmitting",
                 "People get two invite emails. I think a double click on Send does it.",
                 "A double click sent the request twice. The button is disabled while "
                 "sending, and the server ignores a repeated invite within a minute."),
            _bug("Fix the invite form accepting invalid emails", "invalid emails", "isEmail",
                 "The invite form accepted 'anna@' and 'bob@example'. Fix the check for invalid "
                 "emails.",
                 "The check only looked for an @. It requires a domain with a dot now, and "
                 "tests list valid and invalid emails."),
            _feature("Add a resend button to the team invite form", "resend", "invite",
                     "Invites expire after seven days. Add a resend button for pending invites.",
                     "Pending invites have a resend button that issues a fresh link and restarts "
                     "the seven days; the old link stops working."),
            _bug("Fix the invite form hiding server errors", "server errors", "catch",
                 "The invite form hides server errors: when the server rejects an invite, say "
                 "the seat limit is reached, it shows nothing.",
                 "The form only displayed its own validation errors. It shows server errors "
                 "next to the address they belong to now, including the seat limit."),
        )),
    # --- data-pipeline ---------------------------------------------------------------------------
    _Component(
        PIPELINE, "CSV importer", "pipeline/ingest.py", "tests/test_ingest.py", "read_csv_batch",
        "read_csv_batch reads each uploaded file in chunks with Polars, maps the columns to the "
        "schema by name, and writes the chunks to the raw table with the file name for lineage.",
        (
            _feature("Support semicolon-separated files in the CSV importer", "semicolon",
                     "separator",
                     "Customers in Germany send semicolon-separated files. Make the CSV "
                     "importer detect the separator.",
                     "The importer sniffs the first lines and picks comma, semicolon or tab; a "
                     "semicolon file with decimal commas is in the tests."),
            _feature("Skip files the CSV importer already imported", "already imported",
                     "checksum",
                     "Re-running the load imports the same files again. Skip files that were "
                     "already imported.",
                     "Each file's checksum is recorded after a successful load, and files "
                     "already imported are skipped with a line in the log."),
            _bug("Fix UnicodeDecodeError in the CSV importer", "UnicodeDecodeError", "encoding",
                 "The CSV importer fails on a customer's file:\nUnicodeDecodeError: 'utf-8' "
                 "codec can't decode byte 0xe9 in position 4181",
                 "The file is Windows-1252, not UTF-8. The importer tries UTF-8 first and falls "
                 "back to cp1252 with a warning, so the UnicodeDecodeError is gone."),
            _bug("Fix the CSV importer running out of memory", "memory", "read_csv",
                 "The CSV importer runs out of memory on a 6 GB file and the worker is killed.",
                 "The importer read the whole file before chunking it. It uses a lazy scan with "
                 "batches now, and memory stays under 500 MB for the 6 GB file."),
            _feature("Report progress from the CSV importer", "progress", "chunk",
                     "Big files take minutes and the CSV importer says nothing. Report progress.",
                     "The importer logs progress every 10 % with rows per second, and the load "
                     "page shows it."),
            _bug("Fix the CSV importer ignoring header names", "header names", "columns",
                 "A file with its columns in another order loaded the amount into quantity. "
                 "The CSV importer ignores the header names.",
                 "A fallback mapped columns by position when a header had a trailing space. "
                 "Header names are trimmed and matched now; a test swaps two columns."),
        )),
    _Component(
        PIPELINE, "daily report DAG", "dags/daily_report.py", "tests/test_daily_report.py",
        "build_daily_report",
        "the DAG waits for the nightly load, runs build_daily_report to aggregate yesterday's "
        "orders with DuckDB, and emails the summary at 7:00.",
        (
            _feature("Post the daily report to Slack", "Slack", "notify",
                     "Besides the email, post the daily report to the #sales channel in Slack.",
                     "A last task posts the summary to #sales in Slack with a link to the full "
                     "report; a failed post doesn't fail the run."),
            _feature("Let the daily report DAG backfill missed days", "backfill", "catchup",
                     "When the DAG was down for two days, those reports never ran. Let it "
                     "backfill missed days.",
                     "Catch-up is on, with one run at a time, so missed days backfill in order; "
                     "each run reports on its own date, not today's."),
            _bug("Fix the daily report counting orders twice", "twice", "JOIN",
                 "The daily report shows about twice as many orders as the shop says.",
                 "The join to refunds produced one row per refund line, so orders with refunds "
                 "were counted twice. Orders are counted before the join now."),
            _bug("Fix the daily report missing orders around midnight", "midnight",
                 "created_at",
                 "Orders placed just before midnight are missing from the daily report.",
                 "The report cut the day at midnight UTC while the shop uses local time. It "
                 "cuts at local midnight now, so orders around midnight land on the right day."),
            _feature("Add week-over-week change to the daily report", "week-over-week",
                     "build_daily_report",
                     "Add the week-over-week change to each number in the daily report.",
                     "Each figure shows its week-over-week change against the same weekday last "
                     "week, with an arrow and a percentage."),
            _bug("Fix the daily report running before the load finishes", "before the load",
                 "ExternalTaskSensor",
                 "Some mornings the daily report shows zero orders: it runs before the load "
                 "finishes.",
                 "The sensor waited for the load to start, not to succeed. It waits for success "
                 "now and alerts on a timeout, so the report never runs before the load is "
                 "done."),
        )),
    _Component(
        PIPELINE, "dedupe step", "pipeline/transforms/dedupe.py", "tests/test_dedupe.py",
        "dedupe_orders",
        "dedupe_orders sorts the rows by order id and update time and keeps the last row of "
        "each order.",
        (
            _feature("Quarantine the rows the dedupe step drops", "quarantine", "dropped",
                     "We can't see what the dedupe step throws away. Write dropped rows to a "
                     "quarantine table.",
                     "Dropped rows go to orders_quarantine with the run id and the row that won; "
                     "the log prints how many were quarantined."),
            _feature("Dedupe on email as well as order id", "email", "subset",
                     "Some duplicate orders have different ids but the same email and amount "
                     "within a minute. Dedupe on email too.",
                     "A second pass matches on email, amount and a one-minute window; it only "
                     "runs for the web shop source, where this happens."),
            _bug("Fix duplicate rows after the dedupe step", "duplicate rows", "order_id",
                 "The orders table still has duplicate rows after the dedupe step, about 40 a "
                 "day.",
                 "One source sends order ids with trailing spaces, so '1042 ' and '1042' looked "
                 "different. Ids are stripped first now, and the duplicate rows are gone."),
            _bug("Fix the slow dedupe step", "slow", "apply",
                 "The dedupe step takes 40 minutes on a day's data. Why is it so slow?",
                 "It ran a Python function per row with apply. It uses a sort and a group-by in "
                 "Polars now and takes under a minute, so it's no longer slow."),
            _feature("Make the dedupe step's tie-break explicit", "tie-break", "sort",
                     "When two rows of an order have the same update time, which one wins? Make "
                     "the tie-break explicit.",
                     "Ties on update time are broken by ingestion time, then by source priority; "
                     "the tie-break is documented and tested."),
            _bug("Fix the dedupe step dropping real orders", "real orders", "subset",
                 "The dedupe step dropped real orders: two orders from one customer in the same "
                 "minute, for the same amount.",
                 "The email pass matched on email and amount within a minute. It compares the "
                 "basket too now, so real orders survive."),
        )),
    _Component(
        PIPELINE, "schema validator", "pipeline/schema.py", "tests/test_schema.py",
        "validate_frame",
        "validate_frame checks each batch against a pydantic model per table, collects every "
        "failing row with its reason, and stops the load when more than 1 % of rows fail.",
        (
            _feature("Reject negative amounts in the schema validator", "negative amounts",
                     "amount",
                     "Refunds should never appear as negative amounts in the orders feed. Add a "
                     "rule for negative amounts to the schema validator.",
                     "Rows with negative amounts fail validation with a clear reason; refunds "
                     "have their own feed, so nothing valid is rejected."),
            _feature("Show examples of bad rows in the validation report", "bad rows",
                     "report",
                     "The validation report only counts failures. Show a few examples of bad "
                     "rows for each reason.",
                     "The report lists up to five bad rows per reason, with the field and the "
                     "value that failed."),
            _bug("Fix the schema validator rejecting valid dates", "valid dates", "datetime",
                 "The schema validator rejects valid dates like 2026-03-05T10:00:00+01:00.",
                 "The model accepted only UTC timestamps ending in Z. It accepts any offset now "
                 "and converts to UTC, so valid dates pass."),
            _bug("Fix the schema validator passing empty files", "empty files", "len(frame)",
                 "Empty files pass the schema validator, and the report then says zero sales.",
                 "An empty batch had no failing rows, so it passed. The validator treats empty "
                 "files as a failure now, unless the source is marked as sometimes empty."),
            _feature("Validate currency codes in the schema validator", "currency codes",
                     "currency",
                     "Add a check that currency codes in the orders feed are valid ISO 4217 "
                     "codes.",
                     "The validator checks currency codes against the ISO 4217 list; lower-case "
                     "codes are upper-cased rather than rejected."),
            _bug("Fix slow validation of wide tables", "wide tables", "model_validate",
                 "Validation takes 20 minutes on the events table, which has 120 columns. Why is "
                 "it so slow on wide tables?",
                 "Each row went through the pydantic model one at a time. Type checks run on "
                 "whole columns now and only failing rows use the model, so wide tables take "
                 "seconds."),
        )),
    # --- search-service --------------------------------------------------------------------------
    _Component(
        SEARCH, "search indexer", "internal/index/indexer.go", "internal/index/indexer_test.go",
        "Indexer.Reindex",
        "Indexer.Reindex reads documents from the store in batches, tokenises and stems each "
        "field, and swaps the new index in atomically when the run finishes.",
        (
            _feature("Add incremental updates to the search indexer", "incremental", "Reindex",
                     "A full reindex takes 40 minutes. Add incremental updates to the search "
                     "indexer for documents changed since the last run.",
                     "The indexer keeps the time of its last run and does incremental updates "
                     "for documents changed since; the nightly full run stays as a safety net."),
            _feature("Index document tags in the search indexer", "tags", "Fields",
                     "Tags aren't searchable. Index document tags in the search indexer, "
                     "without stemming.",
                     "Tags are indexed as keywords, unstemmed and lower-cased, so a query for "
                     "tag:go matches exactly."),
            _bug("Fix the search indexer panic on empty documents", "panic", "tokens[",
                 "The nightly reindex panics:\npanic: runtime error: index out of range [3] "
                 "with length 3",
                 "An empty body produced fewer tokens than fields, and the loop assumed one per "
                 "field. Empty documents are skipped with a log line now; no more panic."),
            _bug("Fix memory growth in the search indexer", "memory growth", "buffer",
                 "The search indexer shows memory growth with every batch until the pod is killed.",
                 "Each batch appended to a buffer that was never reset. The buffer is reused "
                 "per batch now, so there is no memory growth across batches."),
            _feature("Add a dry-run mode to the search indexer", "dry-run", "Reindex",
                     "Add a dry-run mode to the search indexer that reports what would change "
                     "without swapping the index.",
                     "With --dry-run the indexer builds into a temporary directory, prints how "
                     "many documents were added, changed and removed, and leaves the live index "
                     "alone."),
            _bug("Fix the search indexer skipping documents with emoji", "emoji", "utf8",
                 "Documents with emoji in the title never show up in search; the indexer seems "
                 "to skip them.",
                 "The tokeniser split strings by byte, so emoji made invalid tokens and the "
                 "document was dropped. It splits by rune now, and documents with emoji are "
                 "indexed."),
        )),
    _Component(
        SEARCH, "rate limiter", "internal/ratelimit/limiter.go",
        "internal/ratelimit/limiter_test.go", "Limiter.Allow",
        "Limiter.Allow keeps a token bucket per API key in a sharded map, refills it from the "
        "time elapsed on each call, and drops buckets idle for ten minutes.",
        (
            _feature("Add per-plan limits to the rate limiter", "per-plan", "Limit",
                     "Paying customers should get more requests. Add per-plan limits to the "
                     "rate limiter.",
                     "Each key's bucket size and refill rate come from its plan now, looked up "
                     "once and cached; the per-plan limits are in config, not code."),
            _feature("Return Retry-After from the rate limiter", "Retry-After", "429",
                     "When we return 429, clients don't know when to retry. Return Retry-After "
                     "from the rate limiter.",
                     "Allow returns the wait until the next token, and the handler sends it as "
                     "Retry-After in whole seconds, rounded up."),
            _bug("Fix the rate limiter letting bursts through", "bursts", "refill",
                 "A client made 400 requests in a second with a limit of 100. The rate limiter "
                 "lets bursts through.",
                 "Refill added tokens without capping them at the bucket size, so idle keys "
                 "saved up huge bursts. Tokens are capped now."),
            _bug("Fix a data race in the rate limiter", "data race", "mu.Lock",
                 "go test -race reports a data race in the rate limiter.",
                 "The cleanup goroutine deleted buckets while Allow read them without the "
                 "shard lock. Both take the lock now, and the data race is gone."),
            _feature("Exempt health checks from the rate limiter", "health checks", "Allow",
                     "The load balancer's health checks get rate limited during spikes. Exempt "
                     "health checks from the rate limiter.",
                     "The middleware skips the limiter for /healthz and /readyz, so health checks "
                     "can't be limited any more."),
            _bug("Fix 429s for clients behind one proxy", "proxy", "RemoteAddr",
                 "Customers behind one corporate proxy share a limit and get 429s.",
                 "Requests without an API key were limited by RemoteAddr, which is the proxy. "
                 "They use the client address our load balancer forwards now."),
        )),
    _Component(
        SEARCH, "query parser", "internal/query/parser.go", "internal/query/parser_test.go",
        "Parse",
        "Parse tokenises the query string, builds a small syntax tree of terms, phrases and "
        "AND/OR/NOT, and rejects what it can't parse with the position of the error.",
        (
            _feature("Support field filters in the query parser", "field filters", "Filter",
                     "Support field filters like tag:go and author:anna in the query parser.",
                     "The parser reads name:value as a filter node; unknown field names are an "
                     "error with their position, and the tests cover the field filters."),
            _feature("Support prefix search in the query parser", "prefix", "Prefix",
                     "Support prefix search in the query parser: data* should match database "
                     "and datasets.",
                     "A trailing * makes a prefix term; prefixes shorter than three letters are "
                     "rejected so they can't match the whole index."),
            _bug("Fix the query parser on unbalanced quotes", "unbalanced quotes", "quote",
                 "A query with unbalanced quotes, like \"hello world, hangs the query parser.",
                 "The tokeniser looked for the closing quote without stopping at the end of "
                 "input. Unbalanced quotes are an error with a position now."),
            _bug("Fix operator precedence in the query parser", "precedence", "parseOr",
                 "a OR b AND c is parsed as (a OR b) AND c. The operator precedence is wrong.",
                 "AND and OR were parsed at the same level. AND binds tighter now, with a test "
                 "for each precedence case."),
            _feature("Add a max query length to the query parser", "max query length", "Parse",
                     "Someone sent a 2 MB query. Add a max query length to the query parser.",
                     "Parse rejects queries over 1,000 characters before tokenising, and the "
                     "handler answers 400 with the max query length."),
            _bug("Fix the query parser dropping accented terms", "accented", "unicode",
                 "Searching for 'café' finds nothing: the query parser drops accented terms.",
                 "The tokeniser only accepted ASCII letters. It uses unicode.IsLetter now and "
                 "folds accents like the indexer, so accented terms match."),
        )),
    _Component(
        SEARCH, "result cache", "internal/cache/lru.go", "internal/cache/lru_test.go",
        "Cache.Get",
        "Cache.Get looks results up by the normalised query and page, keeps at most 10,000 "
        "entries in an LRU list, and drops entries older than the index they came from.",
        (
            _feature("Add hit-rate metrics to the result cache", "hit-rate", "metrics",
                     "We don't know whether the result cache helps. Add hit-rate metrics.",
                     "The cache counts hits and misses as Prometheus counters, so hit-rate "
                     "metrics are on the dashboard."),
            _feature("Limit the result cache by memory", "by memory", "maxEntries",
                     "Limit the result cache by memory instead of entry count; some results are "
                     "huge.",
                     "The cache tracks the size of each result and evicts by memory, with a "
                     "256 MB default."),
            _bug("Fix stale results from the result cache", "stale results", "version",
                 "After a reindex, searches return stale results for up to an hour.",
                 "Entries were checked against the index version only on write. Get checks the "
                 "version too now, so there are no stale results after a reindex."),
            _bug("Fix cache misses for identical queries", "identical queries", "normalize",
                 "The cache misses for identical queries typed with different spacing or case.",
                 "The key used the raw query. It is normalised now (case and whitespace), so "
                 "identical queries share an entry."),
            _feature("Warm the result cache after a deploy", "warm", "Cache.Get",
                     "After each deploy the first searches are slow. Warm the result cache with "
                     "yesterday's top 500 queries.",
                     "On start the server replays the top 500 queries into the cache in the "
                     "background; readiness waits until it is warm or 30 seconds pass."),
            _bug("Fix the result cache serving another page's results", "another page", "key",
                 "Page 2 of a search sometimes shows page 1's results; the cache serves another "
                 "page's results.",
                 "One code path built the cache key from the query alone. The key includes the "
                 "page now, so a page never gets another page's results."),
        )),
)

# --- task forms that fit any component, in its project's language ------------------------------

_TYPES: dict[str, tuple[str, str, str, str]] = {
    # title, prompt, reply, result
    "python": ("Add type hints to the {name}",
               "Add type hints to the {name} in {file} so that mypy --strict passes.",
               "I'll start with {symbol}, the public entry point.",
               "The {name} is fully typed and mypy --strict is clean; one argument needed a "
               "Protocol instead of a concrete class."),
    "typescript": ("Remove the any types from the {name}",
                   "The {name} still uses any in a few places. Give it proper types.",
                   "I'll search {file} for any first.",
                   "No any types left in the {name}: two props needed a union type, and the "
                   "compiler then caught a missing null check, which I fixed."),
    "go": ("Wrap the errors in the {name}",
           "The {name} returns bare errors, so the logs don't say where they came from. Wrap "
           "them with context.",
           "I'll go through the return statements in {file}.",
           "Every error the {name} returns is wrapped with fmt.Errorf and %w now, and the tests "
           "check them with errors.Is."),
}
_REVIEWS: dict[str, str] = {
    "python": "Two things in the {name}: the new loop makes one database query per row, and "
              "the except clause swallows the original error. The rest looks fine.",
    "typescript": "Two things in the {name}: the new effect has no cleanup, so it can set state "
                  "after unmount, and the new prop has no test. The rest looks fine.",
    "go": "Two things in the {name}: the goroutine you added has no way to stop, and the error "
          "from Close is ignored. The rest looks fine.",
}
_CI_FAILURES: dict[str, tuple[str, str]] = {
    # the error CI shows, what was wrong
    "python": ("FileExistsError: [Errno 17] File exists: '/tmp/fixtures'",
               "CI runs the tests in parallel, and two {name} tests wrote to the same fixed "
               "folder in /tmp. Each test uses its own tmp_path now, so CI is green."),
    "typescript": ("Error: Timed out in waitFor after 1000ms",
                   "The {name} test waited on a real timer, which is slower on CI machines. It "
                   "uses fake timers now, so CI is green."),
    "go": ("listen tcp :8080: bind: address already in use",
           "Two {name} tests started servers on the fixed port 8080, and CI runs packages in "
           "parallel. They use httptest.NewServer now, which picks a free port; CI is green."),
}
_FLAKES: dict[str, str] = {
    "python": "The flaky test compared against the wall clock, so it failed when a second "
              "ticked over mid-test. The {name} takes the clock as an argument now; 200 runs in "
              "a row pass.",
    "typescript": "The flaky test depended on the order in which two promises resolved. It "
                  "awaits both explicitly now; 200 runs of the {name} tests in a row pass.",
    "go": "The flaky test relied on map iteration order, which Go randomises. It sorts the keys "
          "first now; the {name} tests pass with -count=200.",
}


def tests_of(project: Project, test_file: str) -> str:
    """The command that runs one test file's tests in ``project``."""
    if project.lang == "python":
        return f"pytest {test_file}"
    if project.lang == "typescript":
        return f"npx vitest run {test_file}"
    if project.lang == "go":
        return f"go test ./{PurePosixPath(test_file).parent}/"
    return "terraform validate"


def _component_topics(c: _Component, index: int) -> tuple[Topic, ...]:
    lang = c.project.lang
    facts = {"name": c.name, "file": c.file, "test": c.test, "symbol": c.symbol, "how": c.how}
    run = tests_of(c.project, c.test)

    def topic(kind: str, title: str, key: str, search: str, prompt: str, reply: str,
              result: str, *, edits: bool = True, tests_first: bool = False) -> Topic:
        # The first file is the one mostly read and edited: the tests, for work on the tests.
        files = (c.test, c.file) if tests_first else (c.file, c.test)
        return Topic(kind=kind, title=title.format_map(facts), key=key,
                     prompt=prompt.format_map(facts), reply=reply.format_map(facts),
                     result=result.format_map(facts), project=c.project, files=files,
                     test_command=run, search=search, edits=edits)

    first_steps = {"coding": "I'll read {file} and its tests first.",
                   "debugging": f"Let me look at {{file}} and run {run} to see it fail."}
    own = tuple(topic(t.kind, t.title, t.key, t.search, t.prompt, first_steps[t.kind], t.result)
                for t in c.tasks)
    types = _TYPES[lang]
    error, cause = _CI_FAILURES[lang]
    refactor = topic("coding", "Refactor the {name} for readability", c.name, c.symbol,
                     "{file} has grown hard to follow. Refactor the {name} without changing "
                     "what it does.",
                     "I'll read {file} and its tests before moving anything.",
                     "The {name} is split into small functions now, one per step, and {symbol} "
                     "only wires them together. Behaviour is unchanged and the tests pass.")
    tests = topic("coding", "Write tests for the {name}", c.name, c.symbol,
                  "The {name} has too few tests. Add tests to {test}, including the unhappy "
                  "paths.",
                  "Let me read {file} and {test} to see which paths have no test yet.",
                  "Added tests for the {name} to {test}: the normal case, empty input, a "
                  "duplicate and an error from a dependency. All of them pass.",
                  tests_first=True)
    typed = topic("coding", types[0], c.name, c.symbol, *types[1:])
    review = topic("coding", "Review my change to the {name}", c.name, c.symbol,
                   "Review my uncommitted change to the {name} in {file}. Anything risky?",
                   "I'll read the diff and the code around it.", _REVIEWS[lang], edits=False)
    in_ci = topic("debugging", "Fix the {name} tests failing in CI", c.name, c.symbol,
                  f"The {{name}} tests pass locally but fail in CI:\n{error}",
                  f"Let me run {run} the way CI does.", cause, tests_first=True)
    flaky = topic("debugging", "Fix the flaky {name} test", c.name, c.symbol,
                  "A test of the {name} in {test} fails about one run in ten. Can you find out "
                  "why?",
                  "I'll run it in a loop until it fails.", _FLAKES[lang], tests_first=True)
    how = topic("research", "How the {name} works", c.name, c.symbol,
                "Read the code and explain how the {name} works, end to end.",
                "I'll start at {symbol} in {file} and follow the calls.",
                f"Here is how the {{name}} works: {c.how}", edits=False)
    walk = topic("learning", "Walk me through the {name}", c.name, c.symbol,
                 "I'm new to this repository. Walk me through the {name}, starting from "
                 "{file}.",
                 "Let me read {file} first, then {test}.",
                 f"The {{name}}, in order: {c.how} Reading {{test}} is the quickest way to see "
                 "it in action.", edits=False)
    # Each component gets half of the forms that alternate, so that the forms (the same words
    # about another component) don't outnumber the components' own work.
    alternating = (typed, in_ci) if index % 2 == 0 else (review, flaky)
    return (*own, refactor, tests, *alternating, how, walk)


# --- work on a whole repository ------------------------------------------------------------------

def _repo(project: Project, kind: str, title: str, key: str, files: tuple[str, ...], search: str,
          prompt: str, reply: str, result: str, *, edits: bool = True,
          test: str | None = None) -> Topic:
    return Topic(kind=kind, title=title, key=key, prompt=prompt, reply=reply, result=result,
                 project=project, files=files, search=search, edits=edits,
                 test_command=test if test is not None else tests_of(project, files[-1]))


_REPOSITORY: tuple[Topic, ...] = (
    # billing-api
    _repo(BILLING, "data", "Backfill missing invoice totals", "backfill",
          ("scripts/backfill_totals.py", "tests/test_backfill_totals.py"), "total_cents",
          "About 3,000 old invoices have no total. Write a backfill script that computes them "
          "from the lines, in batches, with a dry-run mode.",
          "I'll look at how totals are computed for new invoices first.",
          "scripts/backfill_totals.py does the backfill in batches of 500 with --dry-run; the "
          "dry run finds 3,112 invoices and the totals match the line sums."),
    _repo(BILLING, "data", "Query revenue per plan for finance", "revenue per plan",
          ("sql/revenue_per_plan.sql", "tests/test_reports.py"), "plan_id",
          "Finance wants monthly revenue per plan for the last year, net of refunds. Write the "
          "query.",
          "Let me check how plans and refunds are stored.",
          "sql/revenue_per_plan.sql gives monthly revenue per plan, net of refunds, with a test "
          "against a small fixture."),
    _repo(BILLING, "research", "Compare Celery and RQ for the retry jobs", "Celery",
          ("src/billing/retry.py", "src/tasks.py"), "enqueue",
          "We run the payment retries on RQ. Would Celery be a better fit, given how we use it?",
          "I'll read how the retry jobs are queued today.",
          "RQ covers what the retry jobs need: delayed jobs and a failure queue. Celery would add "
          "schedules and chords you don't use; moving would touch four modules.", edits=False),
    _repo(BILLING, "learning", "Explain the SQLAlchemy sessions in this code",
          "SQLAlchemy sessions", ("src/db.py", "src/api/deps.py"), "Session(",
          "Where are SQLAlchemy sessions created and closed in this code? I'm new to "
          "SQLAlchemy.",
          "I'll find where sessions are made and passed around.",
          "SQLAlchemy sessions are created once per request in src/api/deps.py and closed when "
          "the request ends; the services receive one as an argument and never commit "
          "themselves.", edits=False),
    _repo(BILLING, "data", "Seed the dev database with realistic invoices", "seed",
          ("scripts/seed_dev.py", "tests/test_seed_dev.py"), "InvoiceFactory",
          "The dev database has three invoices. Write a seed script that creates a few hundred "
          "realistic ones: several currencies, some refunded, some past due.",
          "Let me check the factories the tests already use.",
          "scripts/seed_dev.py uses the test factories to seed 400 invoices across three "
          "currencies, with 5 % refunded and 8 % past due; it refuses to run against prod."),
    _repo(BILLING, "data", "Export failed payments for the last quarter", "failed payments",
          ("sql/failed_payments.sql", "tests/test_reports.py"), "status = 'failed'",
          "Risk wants the failed payments from last quarter with the decline code and the "
          "customer's country. Write the export.",
          "I'll look at where decline codes are stored.",
          "sql/failed_payments.sql lists the failed payments for a quarter with decline code and "
          "country; the test checks that retried payments count once."),
    # web-dashboard
    _repo(DASHBOARD, "data", "Aggregate usage per team for the chart", "per team",
          ("src/api/usage.ts", "src/api/usage.test.ts"), "groupBy",
          "The usage chart needs usage per team, not per user. Aggregate it in the API client "
          "until the backend endpoint exists.",
          "Let me see what the usage endpoint returns now.",
          "src/api/usage.ts groups the per-user rows into usage per team, summing by day; a "
          "test checks the totals stay equal."),
    _repo(DASHBOARD, "research", "Compare Playwright and Cypress for our end-to-end tests",
          "Playwright", ("cypress.config.ts", "e2e/login.cy.ts"), "cy.",
          "Our end-to-end tests run on Cypress. Would Playwright be better for us?",
          "I'll read the Cypress setup and a few of the tests.",
          "Playwright would give you WebKit and free parallel runs, which the slow CI needs. "
          "The 38 Cypress tests are simple enough to port in a few days.", edits=False),
    _repo(DASHBOARD, "learning", "Explain how React Query caches data here", "React Query",
          ("src/api/queryClient.ts", "src/hooks/useSettings.ts"), "useQuery",
          "How does React Query cache data in this app? When does it refetch?",
          "I'll start with the query client setup.",
          "React Query keeps each result under its key for five minutes (staleTime in "
          "src/api/queryClient.ts) and refetches when a window regains focus; mutations "
          "invalidate the keys they change.", edits=False),
    _repo(DASHBOARD, "data", "Generate fixture data for the usage chart", "fixture",
          ("src/test/fixtures/usage.ts", "src/charts/UsageChart.test.tsx"), "usageFixture",
          "The usage chart tests use three hand-written days. Generate fixture data for 90 days "
          "with weekends, a gap and a spike.",
          "Let me see how the tests build their data now.",
          "src/test/fixtures/usage.ts generates 90 days of fixture data from a fixed seed, with "
          "quiet weekends, a two-day gap and one spike; the chart tests use it."),
    _repo(DASHBOARD, "data", "Compute weekly active users for the admin page",
          "weekly active users", ("src/api/activeUsers.ts", "src/api/activeUsers.test.ts"),
          "lastSeen",
          "The admin page should show weekly active users for the last twelve weeks. Compute "
          "them from the events endpoint.",
          "I'll check what the events endpoint returns.",
          "src/api/activeUsers.ts counts distinct users per ISO week from the events; weekly "
          "active users for the current week are marked as partial."),
    # data-pipeline
    _repo(PIPELINE, "data", "Compute weekly churn from the orders table", "weekly churn",
          ("sql/weekly_churn.sql", "tests/test_churn.py"), "last_order_at",
          "Compute weekly churn: customers with no order for 60 days, by the week they went "
          "quiet.",
          "Let me look at the orders table and how customers are keyed.",
          "sql/weekly_churn.sql computes weekly churn with a window over each customer's "
          "orders; the test fixture has two churned customers and one who came back."),
    _repo(PIPELINE, "data", "Find the nullable columns in the orders table", "nullable",
          ("pipeline/schema.py", "pipeline/ingest.py"), "Optional[",
          "Which columns of the orders table are nullable, according to the schema and the "
          "loader? I suspect the feed from the shop.",
          "I'll read the schema models and the loader's column mapping.",
          "Three columns are nullable: coupon (by design), region (the shop feed leaves it out "
          "for pickups) and email (guest checkouts). Only region is worth a check.",
          edits=False),
    _repo(PIPELINE, "data", "Monthly revenue query in DuckDB", "monthly revenue",
          ("sql/monthly_revenue.sql", "tests/test_monthly_revenue.py"), "date_trunc",
          "Write the monthly revenue query in DuckDB, over the Parquet files in the lake.",
          "Let me check the Parquet layout first.",
          "sql/monthly_revenue.sql reads the Parquet files directly and gives monthly revenue "
          "with date_trunc; it scans one year in about two seconds."),
    _repo(PIPELINE, "research", "Compare Polars and pandas for the transforms", "Polars",
          ("pipeline/transforms/clean.py", "pipeline/transforms/dedupe.py"), "import pandas",
          "Half the transforms use pandas, half Polars. Should we standardise on Polars?",
          "I'll look at which transforms use which library.",
          "Yes: the Polars transforms are faster and use less memory, and only two pandas "
          "transforms depend on pandas-only features. Porting the rest is about a day.",
          edits=False),
    _repo(PIPELINE, "learning", "Explain the lazy frames in this pipeline", "lazy frames",
          ("pipeline/ingest.py", "pipeline/transforms/clean.py"), "scan_",
          "What are the lazy frames in this pipeline, and when do they actually run?",
          "Let me find where the lazy frames are built and collected.",
          "The lazy frames are built with scan_csv and scan_parquet and only run at collect() "
          "in each step's last line; Polars then optimises the whole chain at once.",
          edits=False),
    _repo(PIPELINE, "data", "Join orders to marketing campaigns", "campaigns",
          ("sql/orders_by_campaign.sql", "tests/test_campaigns.py"), "utm_campaign",
          "Marketing wants revenue per campaign. Join the orders to the marketing campaigns "
          "through the UTM parameters of the first visit.",
          "Let me look at how visits and orders are linked.",
          "sql/orders_by_campaign.sql attributes each order to the campaigns of the customer's "
          "first visit; orders without a visit count as direct."),
    _repo(PIPELINE, "data", "Cohort retention table from the orders", "cohort",
          ("sql/cohort_retention.sql", "tests/test_cohorts.py"), "first_order_month",
          "Build a cohort retention table: customers by the month of their first order, and "
          "the share still ordering in each later month.",
          "I'll check how customers are identified across orders.",
          "sql/cohort_retention.sql builds the cohort table with one row per first-order month; "
          "the test fixture has two cohorts with known retention."),
    _repo(PIPELINE, "data", "Load the product catalogue into the warehouse", "catalogue",
          ("pipeline/catalogue.py", "tests/test_catalogue.py"), "products",
          "Load the product catalogue from the shop's API into the warehouse every night, "
          "keeping the history of price changes.",
          "Let me look at how the other loaders write to the warehouse.",
          "pipeline/catalogue.py loads the catalogue nightly as a slowly changing table, so "
          "each price change is a new row with valid-from and valid-to dates."),
    # search-service
    _repo(SEARCH, "data", "Find the slowest queries in last week's logs", "slowest queries",
          ("scripts/slow_queries.go", "scripts/slow_queries_test.go"), "duration_ms",
          "Find the slowest queries in last week's request logs and what they have in common.",
          "Let me check the log format first.",
          "The slowest queries are all prefix searches of two or three letters; they make up "
          "1 % of traffic and 40 % of the time. scripts/slow_queries.go prints the list."),
    _repo(SEARCH, "research", "Should the result cache move to Redis?", "Redis",
          ("internal/cache/lru.go", "cmd/server/main.go"), "NewCache",
          "The result cache lives in each pod's memory. Should it move to Redis?",
          "I'll look at how the cache is created and used.",
          "Not yet: each pod sees a 70 % hit rate on its own, and Redis would add a network hop "
          "to every search. Revisit it when you run more than about eight pods.", edits=False),
    _repo(SEARCH, "learning", "Explain how context cancellation flows through the handlers",
          "context cancellation", ("internal/api/handler.go", "internal/index/search.go"),
          "ctx.Done",
          "How does context cancellation flow through the handlers? What happens when a client "
          "disconnects?",
          "Let me follow the context from the handler down.",
          "Context cancellation starts in the HTTP server when the client disconnects; the "
          "handler passes r.Context() down, and the index search checks ctx.Done() between "
          "segments, so work stops within a few milliseconds.", edits=False),
    _repo(SEARCH, "data", "Count zero-result searches by day", "zero-result",
          ("scripts/zero_results.go", "scripts/zero_results_test.go"), "hits == 0",
          "How many zero-result searches do we get per day, and which queries are most common "
          "among them?",
          "Let me check what the request logs record about hits.",
          "scripts/zero_results.go counts zero-result searches by day from the logs and lists "
          "the top queries; most are product names with typos."),
    _repo(SEARCH, "data", "Sample production queries for a test corpus", "test corpus",
          ("scripts/sample_queries.go", "scripts/sample_queries_test.go"), "Sample",
          "Build a test corpus of 1,000 real queries from the logs, anonymised, weighted by how "
          "often they occur.",
          "I'll look at the log format and what counts as personal data.",
          "scripts/sample_queries.go draws 1,000 queries weighted by frequency, drops any with "
          "emails or numbers longer than six digits, and writes the test corpus to testdata/."),
    # infra (Terraform)
    _repo(INFRA, "coding", "Add a NAT gateway per availability zone", "NAT gateway",
          ("modules/vpc/main.tf", "modules/vpc/variables.tf"), "aws_nat_gateway",
          "We have one NAT gateway for three availability zones. Add one NAT gateway per zone, "
          "behind a variable so staging can keep one.",
          "I'll read the VPC module first.",
          "The VPC module creates one NAT gateway per zone when single_nat_gateway is false; "
          "staging sets it to true, so only prod changes."),
    _repo(INFRA, "coding", "Switch the deploy pipeline to GitHub OIDC", "OIDC",
          (".github/workflows/deploy.yml", "modules/iam/github_oidc.tf"), "AWS_ACCESS_KEY_ID",
          "The deploy pipeline still uses long-lived AWS keys. Switch it to GitHub OIDC.",
          "Let me look at the workflow and the IAM module.",
          "There is an OIDC provider and a deploy role limited to this repository's main "
          "branch; the workflow assumes the role, so the stored keys can be deleted."),
    _repo(INFRA, "coding", "Tag every resource with its cost centre", "cost centre",
          ("providers.tf", "envs/prod/main.tf"), "tags",
          "Finance wants a cost centre tag on every resource. Add it without editing every "
          "resource.",
          "I'll check how the provider is configured.",
          "The AWS provider sets default_tags with the cost centre per environment, so every "
          "resource gets it; the plan only changes tags."),
    _repo(INFRA, "coding", "Add a read replica to the prod database", "read replica",
          ("modules/rds/main.tf", "envs/prod/main.tf"), "aws_db_instance",
          "Reports slow down the prod database. Add a read replica the reporting jobs can use.",
          "Let me read the RDS module.",
          "The RDS module can create a read replica now; prod has one in a second zone, and its "
          "endpoint is an output for the reporting jobs."),
    _repo(INFRA, "coding", "Move the configuration to OpenTofu", "OpenTofu",
          (".terraform.lock.hcl", "versions.tf"), "required_version",
          "We decided to move to OpenTofu. Update the version constraints and the lock file.",
          "I'll check the version constraints first.",
          "versions.tf allows OpenTofu 1.8, the lock file has the OpenTofu providers, and the "
          "plan shows no changes to resources."),
    _repo(INFRA, "debugging", "Fix terraform init failing in the deploy pipeline",
          "terraform init", (".github/workflows/deploy.yml", "backend.tf"), "backend",
          "The deploy pipeline fails at terraform init:\nError: Failed to get existing "
          "workspaces: AccessDenied",
          "Let me compare the backend config with the role's permissions.",
          "The new role could read the state bucket but not list it, which terraform init "
          "needs. The policy allows ListBucket on the state prefix now."),
    _repo(INFRA, "debugging", "Fix the state lock left by a cancelled deploy", "state lock",
          (".github/workflows/deploy.yml", "backend.tf"), "lock",
          "A cancelled deploy left a state lock, and every run now fails with 'Error acquiring "
          "the state lock'.",
          "I'll check which run holds the state lock.",
          "The lock belonged to the cancelled run, so I released it with force-unlock. The "
          "workflow now has a concurrency group, so two deploys can't race for the state lock."),
    _repo(INFRA, "debugging", "Why the plan wants to replace the staging cluster", "replace",
          ("envs/staging/main.tf", "modules/eks/main.tf"), "forces replacement",
          "terraform plan wants to replace the staging cluster. Nothing should have changed.",
          "Let me see which attribute forces the replace.",
          "The module update changed the default subnet order, which forces a replace of the "
          "cluster. Pinning the subnet order stops it; the plan shows no changes now."),
    _repo(INFRA, "debugging", "Fix the secrets rotation script exiting early", "exiting early",
          ("scripts/rotate_secrets.sh", "modules/secrets/main.tf"), "set -e",
          "scripts/rotate_secrets.sh keeps exiting early after the first secret, with no "
          "error.",
          "I'll read the script.",
          "A grep that found nothing returned 1, and set -e stopped the script: that was the "
          "exiting early. The grep is allowed to fail now, and all secrets rotate."),
    _repo(INFRA, "research", "How the deploy pipeline works", "deploy pipeline",
          (".github/workflows/deploy.yml", "envs/prod/main.tf"), "terraform apply",
          "Explain how the deploy pipeline works, from a merge to main to the change in prod.",
          "I'll read the workflow first.",
          "The deploy pipeline plans on every pull request and posts the plan as a comment; a "
          "merge to main applies to staging, and prod applies after a manual approval.",
          edits=False),
    _repo(INFRA, "learning", "Explain the VPC module", "VPC module",
          ("modules/vpc/main.tf", "modules/vpc/outputs.tf"), "aws_subnet",
          "I'm new to Terraform. Explain the VPC module and what each part creates.",
          "Let me read the VPC module's main file.",
          "The VPC module creates the VPC, a public and a private subnet per zone, route tables "
          "for each, and the NAT gateways; its outputs give the subnet ids to other modules.",
          edits=False),
    _repo(INFRA, "data", "List untagged resources in the state", "untagged",
          ("scripts/untagged.py", "tests/test_untagged.py"), "tags",
          "Which resources in the prod state are untagged? Finance can't allocate their cost.",
          "I'll read the state with terraform show -json.",
          "scripts/untagged.py lists 23 untagged resources in prod, mostly security groups and "
          "old snapshots; the default tags will cover new ones.",
          test="pytest tests/test_untagged.py"),
    _repo(INFRA, "data", "Summarise last month's AWS costs by service", "costs by service",
          ("scripts/costs_by_service.py", "tests/test_costs.py"), "get_cost_and_usage",
          "Write a script that summarises last month's AWS costs by service and environment.",
          "Let me see which cost allocation tags are active.",
          "scripts/costs_by_service.py prints costs by service and environment for a month from "
          "Cost Explorer; untagged costs get their own row.",
          test="pytest tests/test_costs.py"),
)

CODE_TOPICS: tuple[Topic, ...] = (
    *(t for i, c in enumerate(_COMPONENTS) for t in _component_topics(c, i)),
    *_REPOSITORY,
)
