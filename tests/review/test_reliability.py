"""Cohen's kappa and Krippendorff's alpha against published worked examples."""

from __future__ import annotations

import pytest

from peacetalks.review.reliability import cohen_kappa, krippendorff_alpha, multi_coder_alpha, observed_agreement


def _yes_no(both_yes: int, a_only: int, b_only: int, both_no: int) -> tuple[list[str], list[str]]:
    a = ["yes"] * both_yes + ["yes"] * a_only + ["no"] * b_only + ["no"] * both_no
    b = ["yes"] * both_yes + ["no"] * a_only + ["yes"] * b_only + ["no"] * both_no
    return a, b


def test_kappa_matches_the_textbook_two_by_two_example() -> None:
    """50 items, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    a, b = _yes_no(20, 5, 10, 15)
    assert observed_agreement(a, b) == pytest.approx(0.7)
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_kappa_of_the_second_textbook_example_is_0_1304() -> None:
    """45/15/25/15 out of 100: p_o = 0.6, p_e = 0.54, kappa = 0.1304."""
    a, b = _yes_no(45, 15, 25, 15)
    assert cohen_kappa(a, b) == pytest.approx(0.06 / 0.46)


def test_kappa_and_alpha_are_undefined_when_only_one_value_occurs() -> None:
    assert cohen_kappa(["x", "x"], ["x", "x"]) is None
    assert krippendorff_alpha(["x", "x"], ["x", "x"]) is None
    assert cohen_kappa([], []) is None


def test_perfect_agreement_gives_one() -> None:
    a = ["FAVOR", "AGAINST", "NEUTRAL", "FAVOR"]
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert krippendorff_alpha(a, a) == pytest.approx(1.0)


def test_alpha_matches_krippendorffs_nominal_example_with_missing_values() -> None:
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', 4 coders x 12 units: alpha = 0.743."""
    rows = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    coded = [[None if v is None else str(v) for v in row] for row in rows]
    assert multi_coder_alpha(coded) == pytest.approx(0.743, abs=5e-4)


def test_two_coder_alpha_matches_the_small_sample_correction() -> None:
    """Two coders, 10 units, 2 disagreements on a balanced binary scale: alpha = 1 - (n-1) * D_o / D_e."""
    a = ["a"] * 5 + ["b"] * 5
    b = ["a"] * 4 + ["b"] + ["b"] * 4 + ["a"]
    # 20 pairable values, 10 a and 10 b; D_o = 4/20, D_e = 2*10*10/(20*19): alpha = 1 - 0.2/0.5263 = 0.62
    assert krippendorff_alpha(a, b) == pytest.approx(1 - (4 / 20) / (200 / 380))
