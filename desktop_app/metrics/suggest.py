"""Suggested verdicts: a small logistic regression trained on one person's own ratings.

Pure (no database, no Qt). numpy is imported inside the functions that need it, so that loading
this module (the CLI, the window's start) costs nothing. The model is only trusted when its
stratified 5-fold cross-validated accuracy beats always guessing the majority verdict by
:data:`MIN_GAIN`; otherwise :func:`suggest` returns no suggestions and says why.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop_app.domain import Verdict

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float64]

#: A model needs this many rated sessions, and this many of each verdict.
MIN_RATINGS = 30
MIN_PER_VERDICT = 5
#: Cross-validated accuracy must beat the majority guess by this much (5 points).
MIN_GAIN = 0.05
FOLDS = 5
SEED = 2026
#: The first prompt's words go into this many hashed buckets (present or not).
WORD_BUCKETS = 128
#: Only the start of the first prompt is read.
PROMPT_CHARS = 400
#: Strength of the L2 penalty (on standardised features; the intercept is not penalised).
L2 = 30.0
_WORD = re.compile(r"[a-z0-9]{3,}")

#: Why there are no suggestions (the ``reason_code`` in ``suggest --json``).
TOO_FEW_RATINGS = "too_few_ratings"
TOO_FEW_OF_A_VERDICT = "too_few_of_a_verdict"
NOT_BETTER_THAN_GUESSING = "not_better_than_guessing"


class FeatureSource(Protocol):
    """What the model reads of one session (the store's feature rows have these)."""

    @property
    def session_id(self) -> str: ...
    @property
    def tool(self) -> str: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def messages(self) -> int: ...
    @property
    def user_messages(self) -> int: ...
    @property
    def duration_seconds(self) -> float | None: ...
    @property
    def tokens(self) -> int | None: ...
    @property
    def first_prompt(self) -> str: ...
    @property
    def verdict(self) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested verdict for an unrated session; never a rating until the person accepts it."""

    session_id: str
    verdict: Verdict
    #: How sure the model is of ``verdict`` (0.5–1).
    probability: float

    @property
    def text(self) -> str:
        """"likely useful (72 %)"."""
        what = "useful" if self.verdict is Verdict.USEFUL else "not useful"
        return f"likely {what} ({percent_text(self.probability)})"


def percent_text(p: float) -> str:
    """72 % (the figure shown: rounded down, so 99.6 % never reads as a certain 100 %)."""
    return f"{min(99, math.floor(p * 100 + 1e-9))} %"


@dataclass(frozen=True)
class ModelReport:
    """What the model rests on and how well it did."""

    ratings: int
    useful: int
    not_useful: int
    #: Stratified 5-fold cross-validated accuracy (None: no model was trained).
    accuracy: float | None = None
    #: Accuracy of always guessing the majority verdict (None: no ratings).
    baseline: float | None = None
    #: Why there are no suggestions (None: the model qualifies).
    reason_code: str | None = None

    @property
    def qualified(self) -> bool:
        """True when suggestions are shown."""
        return self.reason_code is None

    @property
    def reason(self) -> str | None:
        """Why there are no suggestions, in a sentence (None when there are)."""
        if self.reason_code == TOO_FEW_RATINGS:
            return (f"Suggestions start once you have rated {MIN_RATINGS} sessions "
                    f"({self.ratings} so far).")
        if self.reason_code == TOO_FEW_OF_A_VERDICT:
            return (f"Suggestions need at least {MIN_PER_VERDICT} sessions of each verdict "
                    f"({self.useful} useful, {self.not_useful} not useful so far).")
        if self.reason_code == NOT_BETTER_THAN_GUESSING:
            assert self.accuracy is not None
            assert self.baseline is not None
            return (f"Your ratings do not follow the sessions' features closely enough: the "
                    f"model was right {percent_text(self.accuracy)} of the time, always guessing "
                    f"the commoner verdict {percent_text(self.baseline)}; it must beat that by "
                    f"{round(MIN_GAIN * 100)} points.")
        return None

    @property
    def summary(self) -> str:
        """One line: accuracy against the baseline and the ratings it rests on."""
        if self.accuracy is None or self.baseline is None:
            return self.reason or ""
        return (f"Right {percent_text(self.accuracy)} of the time in cross-validation, against "
                f"{percent_text(self.baseline)} for always guessing "
                f"“{self.majority_text}”; learned from your {self.ratings:,} ratings.")

    @property
    def majority_text(self) -> str:
        """The commoner verdict, as shown."""
        return "useful" if self.useful >= self.not_useful else "not useful"


@dataclass(frozen=True)
class SuggestResult:
    """The report and, when the model qualifies, a suggestion per unrated session."""

    report: ModelReport
    suggestions: dict[str, Suggestion] = field(default_factory=dict)


# --- features ---------------------------------------------------------------------------------


def prompt_words(text: str) -> set[str]:
    """The words of a first prompt that count (lower case, three characters or more)."""
    return set(_WORD.findall(text[:PROMPT_CHARS].lower()))


def _bucket(word: str) -> int:
    return zlib.crc32(word.encode()) % WORD_BUCKETS  # stable across runs (hash() is not)


@dataclass(frozen=True)
class FeatureSpace:
    """How sessions become rows of numbers: the tools and labels seen in training, and the
    numeric columns' means and spreads there."""

    tools: tuple[str, ...]
    labels: tuple[str, ...]
    with_commits: bool
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()

    @property
    def width(self) -> int:
        """Number of columns (without the intercept)."""
        return len(self.tools) + len(self.labels) + self._numeric_count() + WORD_BUCKETS

    def _numeric_count(self) -> int:
        return 6 + (2 if self.with_commits else 0)

    def raw(self, rows: Sequence[FeatureSource],
            commits: Mapping[str, int] | None = None) -> Matrix:
        """The unscaled feature matrix of ``rows`` (ones set in one go, numbers in columns:
        100k sessions take about a second)."""
        import numpy as np

        tool_at = {t: i for i, t in enumerate(self.tools)}
        label_at = {t: i for i, t in enumerate(self.labels)}
        base_label = len(self.tools)
        base_num = base_label + len(self.labels)
        base_word = base_num + self._numeric_count()
        buckets: dict[str, int] = {}  # words repeat: each is hashed once
        hot_rows: list[int] = []
        hot_cols: list[int] = []
        for r, row in enumerate(rows):
            cols = [base_label + i for label in row.labels
                    if (i := label_at.get(label)) is not None]
            if (t := tool_at.get(row.tool)) is not None:
                cols.append(t)
            for word in prompt_words(row.first_prompt):
                b = buckets.get(word)
                if b is None:
                    b = buckets[word] = base_word + _bucket(word)
                cols.append(b)
            hot_rows.extend([r] * len(cols))
            hot_cols.extend(cols)
        x = np.zeros((len(rows), self.width), dtype=np.float64)
        x[hot_rows, hot_cols] = 1.0

        def column(values: list[float | None]) -> tuple[Matrix, Matrix]:
            given = np.asarray([v is not None for v in values], dtype=np.float64)
            numbers = np.asarray([max(0.0, v) if v is not None else 0.0 for v in values],
                                 dtype=np.float64)
            return np.log1p(numbers), 1.0 - given

        n = base_num
        x[:, n] = column([float(row.messages) for row in rows])[0]
        x[:, n + 1] = column([float(row.user_messages) for row in rows])[0]
        x[:, n + 2], x[:, n + 3] = column(
            [None if row.duration_seconds is None else row.duration_seconds / 60
             for row in rows])
        x[:, n + 4], x[:, n + 5] = column(
            [None if row.tokens is None else float(row.tokens) for row in rows])
        if self.with_commits:
            got = commits or {}
            counts = [got.get(row.session_id) for row in rows]
            x[:, n + 6], x[:, n + 7] = column(
                [None if c is None else float(c) for c in counts])
        return x

    def fitted(self, x: Matrix) -> FeatureSpace:
        """This space with the means and spreads of ``x`` (training rows)."""
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        # Word buckets stay 0/1: standardised, a word seen twice would weigh as much as the
        # tool, and a few hundred ratings would learn their topics by heart.
        words = self.width - WORD_BUCKETS
        mean[words:] = 0.0
        scale[words:] = 1.0
        return FeatureSpace(self.tools, self.labels, self.with_commits,
                            tuple(float(v) for v in mean), tuple(float(v) for v in scale))

    def scaled(self, x: Matrix) -> Matrix:
        """Standardised columns with a leading intercept column of ones."""
        import numpy as np

        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.hstack([np.ones((x.shape[0], 1)), z])


def feature_space(rows: Sequence[FeatureSource], with_commits: bool) -> FeatureSpace:
    """The tools and labels of the training ``rows``, in a fixed (sorted) order."""
    tools = tuple(sorted({row.tool for row in rows}))
    labels = tuple(sorted({label for row in rows for label in row.labels}))
    return FeatureSpace(tools, labels, with_commits)


# --- the model ----------------------------------------------------------------------------------


def _sigmoid(z: Matrix) -> Matrix:
    import numpy as np

    out: Matrix = 1.0 / (1.0 + np.exp(-np.clip(z, -35.0, 35.0)))
    return out


def fit_logistic(x: Matrix, y: Matrix, l2: float = L2, iterations: int = 25) -> Matrix:
    """Weights of an L2-penalised logistic regression by Newton's method (``x`` has the
    intercept in column 0, which is not penalised). Deterministic: no randomness at all."""
    import numpy as np

    _n, d = x.shape
    w = np.zeros(d)
    penalty = np.full(d, l2)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = _sigmoid(x @ w)
        gradient = x.T @ (p - y) + penalty * w
        weight = p * (1.0 - p) + 1e-9
        hessian = (x.T * weight) @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.max(np.abs(step))) < 1e-7:
            break
    return w


def stratified_folds(y: Sequence[int], folds: int = FOLDS, seed: int = SEED) -> list[int]:
    """A fold number per example: each verdict shuffled with a fixed seed, then dealt round the
    folds, so that every fold holds about the same share of each."""
    import numpy as np

    rng = np.random.default_rng(seed)
    assignment = [0] * len(y)
    for value in (0, 1):
        members = [i for i, v in enumerate(y) if v == value]
        order = rng.permutation(len(members))
        for k, m in enumerate(order):
            assignment[members[int(m)]] = k % folds
    return assignment


def _train(rows: Sequence[FeatureSource], y: Matrix, commits: Mapping[str, int] | None
           ) -> tuple[FeatureSpace, Matrix]:
    space = feature_space(rows, commits is not None)
    raw = space.raw(rows, commits)
    space = space.fitted(raw)
    return space, fit_logistic(space.scaled(raw), y)


def cross_validate(rows: Sequence[FeatureSource], commits: Mapping[str, int] | None = None,
                   folds: int = FOLDS, seed: int = SEED) -> float:
    """Stratified ``folds``-fold cross-validated accuracy of the model on the rated ``rows``."""
    import numpy as np

    labels = [1 if row.verdict is Verdict.USEFUL else 0 for row in rows]
    assignment = stratified_folds(labels, folds, seed)
    y = np.asarray(labels, dtype=np.float64)
    correct = 0
    for fold in range(folds):
        train = [i for i, f in enumerate(assignment) if f != fold]
        test = [i for i, f in enumerate(assignment) if f == fold]
        if not test:
            continue
        space, w = _train([rows[i] for i in train], y[train], commits)
        p = _sigmoid(space.scaled(space.raw([rows[i] for i in test], commits)) @ w)
        correct += int(np.sum((p >= 0.5) == (y[test] == 1.0)))
    return correct / len(rows)


def suggest(rated: Sequence[FeatureSource], unrated: Sequence[FeatureSource],
            commits: Mapping[str, int] | None = None) -> SuggestResult:
    """Train on ``rated`` (the person's own ratings only) and suggest a verdict for each of
    ``unrated`` — if, and only if, the model beats always guessing the commoner verdict by
    :data:`MIN_GAIN` in stratified cross-validation. ``commits`` (session id → commits after it)
    adds a feature where given."""
    useful = sum(1 for row in rated if row.verdict is Verdict.USEFUL)
    not_useful = sum(1 for row in rated if row.verdict is Verdict.NOT_USEFUL)
    rows = [row for row in rated if row.verdict is not Verdict.UNRATED]
    n = len(rows)
    baseline = max(useful, not_useful) / n if n else None
    if n < MIN_RATINGS:
        return SuggestResult(ModelReport(n, useful, not_useful, baseline=baseline,
                                         reason_code=TOO_FEW_RATINGS))
    if min(useful, not_useful) < MIN_PER_VERDICT:
        return SuggestResult(ModelReport(n, useful, not_useful, baseline=baseline,
                                         reason_code=TOO_FEW_OF_A_VERDICT))
    assert baseline is not None
    accuracy = cross_validate(rows, commits)
    if accuracy < baseline + MIN_GAIN - 1e-12:
        return SuggestResult(ModelReport(n, useful, not_useful, accuracy, baseline,
                                         NOT_BETTER_THAN_GUESSING))
    report = ModelReport(n, useful, not_useful, accuracy, baseline)
    if not unrated:
        return SuggestResult(report)
    import numpy as np

    y = np.asarray([1.0 if row.verdict is Verdict.USEFUL else 0.0 for row in rows])
    space, w = _train(rows, y, commits)
    suggestions: dict[str, Suggestion] = {}
    chunk = 5000  # bounded memory at 100k unrated sessions
    for start in range(0, len(unrated), chunk):
        part = unrated[start:start + chunk]
        p = _sigmoid(space.scaled(space.raw(part, commits)) @ w)
        for row, pu in zip(part, p.tolist(), strict=True):
            verdict = Verdict.USEFUL if pu >= 0.5 else Verdict.NOT_USEFUL
            suggestions[row.session_id] = Suggestion(row.session_id, verdict, max(pu, 1 - pu))
    return SuggestResult(report, suggestions)
