"""Validation on Daft (``validate(engine="daft")``): the per-unit work where Daft runs it, locally or on Ray.

Each :class:`~peacetalks.validation.shards.Unit` (plain data: the files and rows of one set of documents)
is one row of a Daft DataFrame, pickled, in a partition of its own. A batch UDF runs
:func:`~peacetalks.validation.shards.check_unit` on each where Daft puts it (a thread or process of the
native runner, a worker of a Ray cluster) and returns what the unit found as Arrow: its issues as a list of
structs (:data:`ISSUE_TYPE`), its rows per table, and its compact keys
(:data:`~peacetalks.validation.shards.KEYS_SCHEMA`) as a list of structs. Nothing of a unit's tables
leaves its worker, only these.

The results come back to the caller, where :func:`~peacetalks.validation.shards.finish` runs the checks
across units (split leakage and near-duplicates over the keys, references to another document) and the
corpus' own (gold versions, a machine layer's manifest) with the code the local run uses, so the report is
the local one. The near-duplicate check is not recast as Daft joins: its LSH links a band value shared by
more than ``MAX_BUCKET`` articles in a chain, which depends on every member of the bucket and their order,
so a rewrite would risk another report for what are a few hundred bytes per article.

The corpus must be at a path every Ray worker sees (a shared file system), and each worker needs
``peacetalks[scale]`` installed, as Ray requires of any job's code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import pickle
import socket
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from peacetalks.errors import EngineError
from peacetalks.validation import shards
from peacetalks.validation.report import Issue, Report
from peacetalks.validation.shards import KEYS_SCHEMA, Unit, UnitResult, check_unit

if TYPE_CHECKING:
    import daft
    from daft import Series
    from daft.udf.udf_v2 import Func

EXTRA = "scale"
# The columns of an Issue, as Arrow: ``row`` an integer, every other field a string (all nullable).
ISSUE_TYPE = pa.struct([(f.name, pa.int64() if f.name == "row" else pa.string()) for f in fields(Issue)])
CHECKED_TYPE = pa.struct([("table", pa.string()), ("rows", pa.int64())])
RESULT_TYPE = pa.struct(
    [
        ("index", pa.int64()),
        ("issues", pa.large_list(ISSUE_TYPE)),
        ("checked", pa.large_list(CHECKED_TYPE)),
        ("keys", pa.large_list(pa.struct(list(KEYS_SCHEMA)))),
        ("docs", pa.large_list(pa.string())),  # the unit's doc_ids: finish() finds documents split across units
    ]
)
# Daft and Ray report their use to their makers by default; Daft draws progress bars on stderr. Neither
# unless the environment asks for it.
_QUIET = {"DAFT_ANALYTICS_ENABLED": "0", "RAY_USAGE_STATS_ENABLED": "0", "DAFT_PROGRESS_BAR": "0"}
_CONNECT_TIMEOUT_S = 5.0


def validate_on_daft(
    root: Path, *, layer: str | None = None, today: dt.date | None = None, ray_address: str | None = None
) -> Report:
    """The report of :func:`peacetalks.validation.validate.validate` on ``root``, its units checked on Daft.

    With ``ray_address`` Daft runs on that Ray cluster; without, where Daft's own settings say (its native
    runner, unless ``DAFT_RUNNER=ray`` or the process is a Ray job).
    """
    connect(ray_address)
    all_units = shards.units(root, layer, today=today, min_articles=shards.UNIT_ARTICLES)
    return shards.finish(all_units, run_units(all_units))


def run_units(all_units: Sequence[Unit]) -> list[UnitResult]:
    """:func:`check_unit` of every unit on Daft, one batch each; the results in the units' order."""
    connect(None)
    import daft

    frame = one_per_partition("unit", [pickle.dumps(u) for u in all_units])
    done = frame.select(_check_units()(daft.col("unit")).alias("result")).to_arrow()
    results = done.column("result").combine_chunks()
    return sorted((_unit_result(results, n) for n in range(len(results))), key=lambda r: r.index)


def connect(ray_address: str | None) -> None:
    """Make Daft ready: imported, quiet, and on the Ray cluster at ``ray_address`` when one is given."""
    _import_daft()
    if ray_address is not None:
        _join_ray(ray_address)


def one_per_partition(column: str, blobs: list[bytes]) -> daft.DataFrame:
    """A Daft DataFrame of one row per blob; on Ray a partition each, for Ray to spread them out (the
    native runner runs the batches concurrently as they are)."""
    import daft

    frame = daft.from_pydict({column: blobs})
    if blobs and daft.get_or_infer_runner_type() == "ray":
        frame = frame.into_partitions(len(blobs))
    return frame


def _import_daft() -> None:
    """Import Daft, quiet; ``engine-not-installed`` without it."""
    for name, value in _QUIET.items():
        os.environ.setdefault(name, value)
    try:
        import daft  # noqa: F401  # imported here to say what is missing; used where it is imported again
    except ImportError as exc:
        raise _not_installed("daft") from exc


def _not_installed(package: str) -> EngineError:
    return EngineError(
        "engine-not-installed",
        f"the daft engine needs {package}, which is not installed: it comes with peacetalks[{EXTRA}]",
        data={"extra": EXTRA, "package": package},
    )


def _join_ray(address: str) -> None:
    """Run Daft on the Ray cluster at ``address``; ``engine-unreachable`` when nothing answers there."""
    try:
        import ray
    except ImportError as exc:
        raise _not_installed("ray") from exc
    if not ray.is_initialized():
        _check_reachable(address)
    import daft

    try:
        daft.set_runner_ray(address=address, noop_if_initialized=True)
    except ConnectionError as exc:
        raise _unreachable(address, str(exc)) from exc


def _check_reachable(address: str) -> None:
    """Fail fast on a HOST:PORT (or ray://HOST:PORT) where nothing listens: Ray would retry for minutes."""
    hostport = address.removeprefix("ray://")
    host, sep, port = hostport.rpartition(":")
    if address == "auto" or not sep or not port.isdigit():
        return  # "auto" (Ray finds the local cluster or says there is none), or a form Ray itself judges
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=_CONNECT_TIMEOUT_S):
            pass
    except OSError as exc:
        raise _unreachable(address, exc.strerror or str(exc)) from exc


def _unreachable(address: str, why: str) -> EngineError:
    return EngineError(
        "engine-unreachable",
        f"no Ray cluster answers at {address}: {why}",
        data={"address": address},
    )


def _check_units() -> Func[[Series], pa.StructArray, None]:
    """The batch UDF: pickled units in, their results (:data:`RESULT_TYPE`) out."""
    import daft

    @daft.func.batch(return_dtype=daft.DataType.from_arrow_type(RESULT_TYPE), batch_size=1)
    def check_units(pickled: Series) -> pa.StructArray:
        return results_array([check_unit(pickle.loads(blob)) for blob in pickled.to_pylist()])

    return check_units


def results_array(results: list[UnitResult]) -> pa.StructArray:
    """Unit results as one Arrow array (:data:`RESULT_TYPE`): each field a list per unit, built from Arrow."""
    issues = pa.Table.from_pylist([asdict(i) for r in results for i in r.issues], schema=pa.schema(ISSUE_TYPE))
    checked = pa.Table.from_pylist(
        [{"table": t, "rows": n} for r in results for t, n in r.checked.items()], schema=pa.schema(CHECKED_TYPE)
    )
    keys = pa.concat_tables([r.keys.cast(KEYS_SCHEMA) for r in results]) if results else KEYS_SCHEMA.empty_table()
    return pa.StructArray.from_arrays(
        [
            pa.array([r.index for r in results], pa.int64()),
            _lists(issues, [len(r.issues) for r in results]),
            _lists(checked, [len(r.checked) for r in results]),
            _lists(keys, [r.keys.num_rows for r in results]),
            pa.LargeListArray.from_arrays(
                pa.array([0, *itertools.accumulate(r.docs.num_rows for r in results)], pa.int64()),
                pa.concat_arrays([r.docs["doc_id"].combine_chunks().cast(pa.string()) for r in results])
                if results
                else pa.array([], pa.string()),
            ),
        ],
        fields=list(RESULT_TYPE),
    )


def _lists(table: pa.Table, lengths: list[int]) -> pa.LargeListArray:
    """The rows of ``table`` as one list per unit, ``lengths[k]`` rows in the k-th."""
    offsets = pa.array([0, *itertools.accumulate(lengths)], pa.int64())
    values = pa.StructArray.from_arrays([c.combine_chunks() for c in table.columns], fields=list(table.schema))
    return pa.LargeListArray.from_arrays(offsets, values)


def _unit_result(results: pa.StructArray, n: int) -> UnitResult:
    """The ``n``-th unit's :class:`UnitResult` back from :data:`RESULT_TYPE`."""
    index = results.field("index")[n].as_py()
    issues = [Issue(**row) for row in results.field("issues")[n].values.to_pylist()]
    checked = {row["table"]: row["rows"] for row in results.field("checked")[n].values.to_pylist()}
    keys = pa.Table.from_struct_array(results.field("keys")[n].values).cast(KEYS_SCHEMA)
    docs = pa.table({"doc_id": results.field("docs")[n].values.cast(pa.string())})
    return UnitResult(index, issues, checked, keys, docs)
