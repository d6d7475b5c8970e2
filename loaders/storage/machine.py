"""Machine-made layers: the manifest that marks a layer as suggestions, and the scores beside its tables.

A layer written by ``peacetalks suggest`` is an annotator layer like any other (the four annotation
tables and ``status.parquet`` under ``annotations/layers/NAME/``), plus two files that say it is not a
person's work:

* ``layer.yaml``, the manifest: ``origin: machine``, the ``suggester`` and its ``version``, the
  fingerprint of the gold it learnt from and the name of the scores table;
* ``suggestion_scores.parquet`` (:data:`peacetalks.schema.tables.SCORES`): one row per suggested mention
  or event with its score, the rule and lexicon entry that made it, and the suggester's name and version.

A layer with a ``layer.yaml`` is a machine layer, whatever the file says: a damaged manifest still marks
it (``adjudicate`` and ``import`` refuse it either way; ``validate`` reports the damage).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from peacetalks.errors import SuggestError, shown
from peacetalks.schema.names import check_inside
from peacetalks.schema.tables import LAYERS_FOLDER, SCORES
from peacetalks.storage.layers import GOLD, check_layer, layer_names
from peacetalks.storage.parquet import read_table

MANIFEST = "layer.yaml"
MACHINE = "machine"  # the one origin a manifest names (a layer without a manifest is a person's)
_FIELDS = ("origin", "suggester", "version")


@dataclass(frozen=True)
class LayerManifest:
    """What ``layer.yaml`` says about a machine layer."""

    suggester: str
    version: str
    origin: str = MACHINE
    gold_fingerprint: str | None = None  # the sha256 of the gold layer the lexicon was built from
    scores: str = SCORES.filename
    written_by: str | None = None  # the peacetalks version that wrote the layer

    @property
    def model_version(self) -> str:
        """The suggester and its version in one word: Label Studio's ``model_version`` of the predictions."""
        return f"{self.suggester}-{self.version}"

    def to_yaml(self) -> str:
        body = {
            "origin": self.origin,
            "suggester": self.suggester,
            "version": self.version,
            "gold_fingerprint": self.gold_fingerprint,
            "scores": self.scores,
            "written_by": self.written_by,
        }
        head = (
            "# A machine-made layer (peacetalks suggest): suggestions for annotators, never gold and never a\n"
            "# person's pass. adjudicate and import refuse it; agree compares it with a person's layer.\n"
        )
        return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def manifest_relpath(name: str) -> str:
    return f"{LAYERS_FOLDER}/{check_layer(name)}/{MANIFEST}"


def manifest_path(root: Path, name: str) -> Path:
    return check_inside(root, root / manifest_relpath(name), "layer manifest")


def is_machine_layer(root: Path, name: str) -> bool:
    """Whether layer ``name`` has a manifest (gold never has one)."""
    return name != GOLD and manifest_path(root, name).is_file()


def machine_layers(root: Path) -> list[str]:
    """The machine layers of the corpus at ``root``, sorted."""
    return [name for name in layer_names(root) if is_machine_layer(root, name)]


def read_manifest(root: Path, name: str) -> LayerManifest | None:
    """The manifest of layer ``name``; None for a person's layer. SuggestError ``bad-layer-manifest`` if damaged."""
    if not is_machine_layer(root, name):
        return None
    where = manifest_relpath(name)
    try:
        raw: Any = yaml.safe_load(manifest_path(root, name).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SuggestError("bad-layer-manifest", f"cannot read the layer manifest: {first}", path=where) from None
    if not isinstance(raw, dict):
        raise SuggestError("bad-layer-manifest", "the layer manifest is not a mapping", path=where)
    missing = [key for key in _FIELDS if not isinstance(raw.get(key), str) or not raw.get(key)]
    if missing:
        raise SuggestError(
            "bad-layer-manifest",
            f"the layer manifest lacks {', '.join(missing)} (each a non-empty string)",
            path=where,
            data={"missing": missing},
        )
    if raw["origin"] != MACHINE:
        raise SuggestError(
            "bad-layer-manifest",
            f"origin is {shown(raw['origin'])}; a layer manifest marks a machine layer (origin: {MACHINE})",
            path=where,
        )
    return LayerManifest(
        suggester=raw["suggester"],
        version=raw["version"],
        gold_fingerprint=raw.get("gold_fingerprint") if isinstance(raw.get("gold_fingerprint"), str) else None,
        scores=str(raw.get("scores") or SCORES.filename),
        written_by=raw.get("written_by") if isinstance(raw.get("written_by"), str) else None,
    )


def read_scores(root: Path, name: str) -> pl.DataFrame:
    """The scores table of layer ``name`` (empty when it has none)."""
    return read_table(root, SCORES, None if name == GOLD else check_layer(name), missing_ok=True)


def refuse_machine(root: Path, name: str, what: str) -> None:
    """SuggestError ``machine-layer`` when layer ``name`` is machine-made; ``what`` says what needs a person's pass."""
    if is_machine_layer(root, name):
        raise SuggestError(
            "machine-layer",
            f"layer {name!r} holds machine suggestions (it has {MANIFEST}), not a person's pass; {what}",
            path=manifest_relpath(name),
            data={"layer": name},
        )
