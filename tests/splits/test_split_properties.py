"""Property tests of the split assignment (hypothesis strategies over article frames)."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peacetalks.ingest.splits import SplitSettings, assign
from peacetalks.schema.models import SPLIT_NAMES
from peacetalks.text.normalise import leakage_key
from tests.loading.corpora import Doc, articles_frame

TEXTS = ["Putin spricht.", "putin  spricht.", "PUTIN spricht. ", "Trump reist.", "Selenskyj warnt.", "Kiew\nbrennt."]
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def corpora(draw: st.DrawFn, min_size: int = 0, max_size: int = 30, prefix: str = "d") -> pl.DataFrame:
    n = draw(st.integers(min_size, max_size))
    docs = [
        Doc(
            f"{prefix}-{i}",
            draw(st.one_of(st.sampled_from(TEXTS), st.text(alphabet="abc \n", min_size=1, max_size=6))),
            draw(st.one_of(st.none(), st.sampled_from(["s1", "s2", "s3", "s4"]))),
        )
        for i in range(n)
    ]
    return articles_frame(docs)


split_settings = st.builds(
    SplitSettings,
    seed=st.integers(0, 2**31),
    ratios=st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.25, 0.25), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0), (0.6, 0.4, 0.0)]),
    group_by=st.sampled_from(["story", "doc"]),
)


def _as_dict(df: pl.DataFrame) -> dict[str, str]:
    return dict(df.select("doc_id", "split").iter_rows())


@PROFILE
@given(corpora(), split_settings)
def test_same_seed_same_assignment_and_every_article_exactly_once(articles: pl.DataFrame, s: SplitSettings) -> None:
    first, second = assign(articles, s), assign(articles, s)
    assert first.equals(second)
    assert first["doc_id"].to_list() == sorted(articles["doc_id"].to_list())
    assert set(first["split"].to_list()) <= set(SPLIT_NAMES)


@PROFILE
@given(corpora(), split_settings, st.randoms(use_true_random=False))
def test_assignment_does_not_depend_on_row_order(articles: pl.DataFrame, s: SplitSettings, rnd: object) -> None:
    order = list(range(articles.height))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    assert assign(articles[order], s).equals(assign(articles, s))


@PROFILE
@given(corpora(prefix="old"), corpora(prefix="new"), split_settings)
def test_stored_assignments_do_not_move_when_articles_are_added(
    old: pl.DataFrame, new: pl.DataFrame, s: SplitSettings
) -> None:
    stored = assign(old, s)
    grown = assign(pl.concat([old, new]), s, existing=stored)
    assert _as_dict(grown.filter(pl.col("doc_id").is_in(old["doc_id"].implode()))) == _as_dict(stored)
    assert grown.height == old.height + new.height


@PROFILE
@given(corpora(prefix="old"), corpora(prefix="new"), split_settings)
def test_no_text_is_in_two_splits_after_adding(old: pl.DataFrame, new: pl.DataFrame, s: SplitSettings) -> None:
    """Same text after normalising case and white space: one split (given a leak-free start)."""
    grown = assign(pl.concat([old, new]), s, existing=assign(old, s))
    texts = pl.concat([old, new]).select("doc_id", leakage_key().alias("t"))
    per_text = grown.join(texts, on="doc_id").group_by("t").agg(pl.col("split").n_unique())
    assert per_text["split"].max() in (None, 1)


@PROFILE
@given(st.integers(0, 2**31), st.integers(2, 6))
def test_articles_of_one_story_stay_together(seed: int, per_story: int) -> None:
    docs = [Doc(f"d-{s}-{i}", f"Story {s}, Artikel {i}.", f"story-{s}") for s in range(20) for i in range(per_story)]
    result = assign(articles_frame(docs), SplitSettings(seed=seed))
    by_story = result.group_by("group_id").agg(pl.col("split").n_unique())
    assert by_story["split"].max() == 1
    assert result["group_id"].n_unique() == 20


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**31), st.sampled_from([(0.8, 0.1, 0.1), (0.5, 0.3, 0.2), (0.7, 0.0, 0.3)]))
def test_shares_approach_the_ratios_as_the_corpus_grows(seed: int, ratios: tuple[float, float, float]) -> None:
    """With 20,000 groups every share is within 0.015 of its ratio (about 5 standard deviations)."""
    n = 20_000
    articles = articles_frame([Doc(f"d-{i}", f"Text {i}") for i in range(n)])
    result = assign(articles, SplitSettings(seed=seed, ratios=ratios))
    shares = result.group_by("split").agg(pl.len() / n)
    got = dict(shares.iter_rows())
    for name, ratio in zip(SPLIT_NAMES, ratios, strict=True):
        assert abs(got.get(name, 0.0) - ratio) < 0.015
