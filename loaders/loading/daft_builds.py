"""Config builds on Daft (``engine="daft"``): each cut of a corpus built where Daft runs it, locally or on Ray.

The cuts are those of the local build (:mod:`peacetalks.loading.cut_reads`): a :class:`FolderCut` names
the files and rows of one cut of a corpus folder (each worker reads them itself, so the folder must be at
the same path on every node, as for validation), a :class:`FrameCut` carries one cut's rows of tables
read already (the release's, which are validated before they are built). Each is one row of a Daft
DataFrame, pickled, in a partition of its own on Ray; a batch UDF builds its pieces with
:func:`peacetalks.loading.configs.cut_pieces`, the local code, and sends them back pickled (Arrow tables
pickle as their buffers). The caller takes them cut by cut in the cuts' order and writes them as they
come, so it holds the pieces of the cuts that came back early, not the config.

Daft's runner is set as validation sets it (:mod:`peacetalks.validation.daft_engine`: quiet, and
``engine-unreachable`` after 5 seconds at an address where nothing listens).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from peacetalks.loading.cut_reads import Plan
from peacetalks.schema.tables import BY_NAME, Table
from peacetalks.validation.daft_engine import connect, one_per_partition

if TYPE_CHECKING:
    from daft import Series
    from daft.udf.udf_v2 import Func

    from peacetalks.loading.configs import Reader


@dataclass(frozen=True)
class FolderCut:
    """Cut ``index`` of a corpus folder's :class:`~peacetalks.loading.cut_reads.Plan`, and its documents' splits."""

    plan: Plan
    index: int
    splits: pl.DataFrame

    def reader(self) -> Reader:
        return self.plan.reader(self.index)


@dataclass(frozen=True)
class FrameCut:
    """One cut's rows of each table (by table name), and the splits of every document."""

    frames: Mapping[str, pl.DataFrame]
    splits: pl.DataFrame

    @classmethod
    def of(cls, frames: Mapping[Table, pl.DataFrame], splits: pl.DataFrame) -> FrameCut:
        return cls({table.name: df for table, df in frames.items()}, splits)

    def reader(self) -> Reader:
        from peacetalks.loading.configs import frames_reader

        return frames_reader({BY_NAME[name]: df for name, df in self.frames.items()})


Cut = FolderCut | FrameCut


def pieces_on_daft(
    config: str, cuts: Sequence[Cut], piece_rows: int | None, options: dict[str, Any], ray_address: str | None
) -> Iterator[Iterator[tuple[str, pa.Table]]]:
    """The pieces of each of ``cuts`` (as :func:`~peacetalks.loading.configs.cut_pieces` gives them), in order."""
    connect(ray_address)
    import daft

    jobs = [pickle.dumps((n, config, cut, piece_rows, options)) for n, cut in enumerate(cuts)]
    if not jobs:
        return
    frame = one_per_partition("job", jobs)
    early: dict[int, list[tuple[str, pa.Table]]] = {}
    expected = 0
    for row in frame.select(_build_cuts()(daft.col("job")).alias("out")).iter_rows():
        n, pieces = pickle.loads(row["out"])
        early[n] = pieces
        while expected in early:  # the cuts in their order, whatever order they come back in
            yield iter(early.pop(expected))
            expected += 1


def _build_cuts() -> Func[[Series], pa.Array, None]:
    """The batch UDF: pickled (index, config, cut, piece_rows, options) in, pickled (index, pieces) out."""
    import daft

    @daft.func.batch(return_dtype=daft.DataType.binary(), batch_size=1)
    def build_cuts(jobs: Series) -> pa.Array:
        return pa.array([pickle.dumps(_build(blob)) for blob in jobs.to_pylist()], pa.binary())

    return build_cuts


def _build(blob: bytes) -> tuple[int, list[tuple[str, pa.Table]]]:
    from peacetalks.loading.configs import cut_pieces

    n, config, cut, piece_rows, options = pickle.loads(blob)
    return n, list(cut_pieces(config, cut.reader(), cut.splits, piece_rows=piece_rows, **options))


__all__ = ["FolderCut", "FrameCut", "pieces_on_daft"]
