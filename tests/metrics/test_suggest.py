"""Suggested verdicts: the model qualifies only when the person's ratings follow the features."""

from __future__ import annotations

import random
from dataclasses import dataclass

from desktop_app.domain import Verdict
from desktop_app.metrics.suggest import (
    MIN_GAIN,
    NOT_BETTER_THAN_GUESSING,
    TOO_FEW_OF_A_VERDICT,
    TOO_FEW_RATINGS,
    Suggestion,
    cross_validate,
    stratified_folds,
    suggest,
)


@dataclass(frozen=True)
class Row:
    session_id: str
    tool: str = "ChatGPT"
    labels: tuple[str, ...] = ()
    messages: int = 4
    user_messages: int = 2
    duration_seconds: float | None = 300.0
    tokens: int | None = None
    first_prompt: str = ""
    verdict: Verdict = Verdict.UNRATED


def following(n: int, seed: int = 1, noise: float = 0.1) -> list[Row]:
    """Sessions where the verdict follows the features: explaining in Claude is useful, fixing
    a flaky build in Copilot after long back-and-forth is not (with ``noise`` flipped)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        good = rng.random() < 0.55
        if good:
            row = Row(f"s{i}", tool="Claude", messages=rng.randint(2, 6),
                      first_prompt=f"explain the {rng.choice(['proof', 'essay', 'idea'])} to me",
                      labels=("learning",))
        else:
            row = Row(f"s{i}", tool="Copilot", messages=rng.randint(20, 60),
                      first_prompt=f"fix the flaky build {rng.choice(['again', 'now', 'test'])}",
                      labels=("debugging",))
        useful = good != (rng.random() < noise)
        rows.append(Row(**{**row.__dict__,
                           "verdict": Verdict.USEFUL if useful else Verdict.NOT_USEFUL}))
    return rows


def random_verdicts(n: int, seed: int = 7) -> list[Row]:
    rng = random.Random(seed)
    return [Row(f"r{i}", tool=rng.choice(["Claude", "Copilot", "ChatGPT"]),
                messages=rng.randint(2, 60), duration_seconds=rng.uniform(30, 5000),
                tokens=rng.randint(100, 90000),
                first_prompt=" ".join(rng.choice(["alpha", "beta", "gamma", "delta", "omega",
                                                  "theta", "kappa", "sigma"])
                                      for _ in range(5)),
                verdict=rng.choice([Verdict.USEFUL, Verdict.NOT_USEFUL]))
            for i in range(n)]


def test_verdicts_that_follow_the_features_qualify_and_suggest_correctly() -> None:
    rated = following(80)
    unrated = [Row("new-good", tool="Claude", messages=3, first_prompt="explain the idea"),
               Row("new-bad", tool="Copilot", messages=40, first_prompt="fix the flaky build")]
    result = suggest(rated, unrated)
    report = result.report
    assert report.qualified, report.reason
    assert report.accuracy is not None
    assert report.baseline is not None
    assert report.accuracy >= report.baseline + MIN_GAIN
    assert report.ratings == 80
    assert report.useful + report.not_useful == 80
    assert result.suggestions["new-good"].verdict is Verdict.USEFUL
    assert result.suggestions["new-bad"].verdict is Verdict.NOT_USEFUL
    assert result.suggestions["new-good"].probability > 0.7
    assert result.suggestions["new-good"].text.startswith("likely useful (")
    assert result.suggestions["new-bad"].text.startswith("likely not useful (")


def test_random_verdicts_do_not_qualify_and_say_why() -> None:
    rated = random_verdicts(200)
    result = suggest(rated, [Row("u1"), Row("u2")])
    report = result.report
    assert not report.qualified
    assert report.reason_code == NOT_BETTER_THAN_GUESSING
    assert result.suggestions == {}
    assert report.accuracy is not None
    assert report.baseline is not None
    assert report.accuracy < report.baseline + MIN_GAIN
    assert report.reason is not None
    assert "guessing" in report.reason


def test_fewer_than_30_ratings_make_no_model() -> None:
    result = suggest(following(29), [Row("u")])
    assert result.report.reason_code == TOO_FEW_RATINGS
    assert result.report.accuracy is None
    assert result.suggestions == {}
    assert result.report.reason is not None
    assert "29 so far" in result.report.reason


def test_fewer_than_5_of_one_verdict_make_no_model() -> None:
    rows = [Row(f"a{i}", verdict=Verdict.USEFUL) for i in range(40)]
    rows += [Row(f"b{i}", verdict=Verdict.NOT_USEFUL) for i in range(4)]
    result = suggest(rows, [Row("u")])
    assert result.report.reason_code == TOO_FEW_OF_A_VERDICT
    assert result.report.accuracy is None
    assert result.suggestions == {}
    # Five of each is enough to be considered.
    rows.append(Row("b4", verdict=Verdict.NOT_USEFUL))
    assert suggest(rows, []).report.reason_code != TOO_FEW_OF_A_VERDICT


def test_cross_validation_is_deterministic_and_stratified() -> None:
    rated = following(60, seed=3, noise=0.2)
    assert cross_validate(rated) == cross_validate(list(rated))
    labels = [1 if r.verdict is Verdict.USEFUL else 0 for r in rated]
    folds = stratified_folds(labels)
    assert folds == stratified_folds(labels)
    for fold in range(5):
        useful = sum(1 for f, v in zip(folds, labels, strict=True) if f == fold and v)
        assert abs(useful - sum(labels) / 5) <= 1  # each fold holds its share of each verdict
    assert stratified_folds(labels, seed=99) != folds


def test_commits_are_a_feature_when_given() -> None:
    # The verdict follows commits alone; everything else is the same.
    rng = random.Random(5)
    rows, commits = [], {}
    for i in range(60):
        useful = rng.random() < 0.5
        commits[f"c{i}"] = rng.randint(2, 6) if useful else 0
        rows.append(Row(f"c{i}", verdict=Verdict.USEFUL if useful else Verdict.NOT_USEFUL))
    assert not suggest(rows, []).report.qualified
    with_commits = suggest(rows, [Row("n")], {**commits, "n": 4})
    assert with_commits.report.qualified
    assert with_commits.suggestions["n"].verdict is Verdict.USEFUL


def test_the_probability_shown() -> None:
    assert Suggestion("x", Verdict.USEFUL, 0.724).text == "likely useful (72 %)"
    assert Suggestion("x", Verdict.NOT_USEFUL, 0.999).text == "likely not useful (99 %)"
