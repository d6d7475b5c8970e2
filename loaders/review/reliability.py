"""Chance-corrected agreement for categorical judgements of two annotators.

Cohen's kappa is the ten-line formula below (scikit-learn would bring SciPy for it);
Krippendorff's alpha comes from the ``krippendorff`` package (nominal level).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import krippendorff
import numpy as np

NONE_VALUE = "(none)"


def observed_agreement(a: Sequence[str], b: Sequence[str]) -> float | None:
    """The share of items both annotators gave the same value; None without items."""
    if not a:
        return None
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e), with each annotator's own marginals.

    None when it is undefined: no items, or both annotators used one and the same value only
    (p_e = 1).
    """
    n = len(a)
    if n != len(b):
        raise ValueError("both annotators must judge the same items")
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    p_e = sum(count_a[v] * count_b[v] for v in count_a) / (n * n)
    if p_e == 1.0:
        return None
    return (p_o - p_e) / (1.0 - p_e)


def krippendorff_alpha(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Krippendorff's alpha (nominal) for two annotators; None when fewer than two values occur."""
    if len(a) != len(b):
        raise ValueError("both annotators must judge the same items")
    return multi_coder_alpha([list(a), list(b)])


def multi_coder_alpha(rows: Sequence[Sequence[str | None]]) -> float | None:
    """Krippendorff's alpha (nominal) for any number of coders; None marks a missing judgement."""
    values = sorted({v for row in rows for v in row if v is not None})
    if len(values) < 2:
        return None
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
