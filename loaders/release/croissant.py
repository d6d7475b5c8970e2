"""The Croissant 1.0 metadata of a release (``croissant.json``), and its check with mlcroissant."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets

from peacetalks.validation.report import Issue

FILENAME = "croissant.json"

# The JSON-LD context of Croissant 1.0 (the specification's own context, verbatim in meaning).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CITE_AS = "PeaceTalks-DE: a German news corpus on the diplomacy of Russia's war against Ukraine (dataset)."
_SCALARS = {
    "string": "sc:Text",
    "large_string": "sc:Text",
    "int64": "sc:Integer",
    "int32": "sc:Integer",
    "int16": "sc:Integer",
    "int8": "sc:Integer",
    "bool": "sc:Boolean",
    "float32": "sc:Float",
    "float64": "sc:Float",
    "date32": "sc:Date",
}


@dataclass(frozen=True)
class RecordSetSpec:
    """One record set: a config's split, read from its Parquet shards."""

    config: str
    split: str
    files: tuple[str, ...]
    features: datasets.Features
    num_rows: int


def _file_id(rel: str) -> str:
    return rel


def _data_type(feature: Any) -> str | None:
    if isinstance(feature, datasets.ClassLabel):
        return "sc:Integer"
    if isinstance(feature, datasets.Value):
        return _SCALARS.get(feature.dtype)
    return None


def record_set_name(config: str, split: str, index: int = 0, count: int = 1) -> str:
    """``config/split``, or ``config/split/NNNNN`` per shard when a split has several shards."""
    return f"{config}/{split}" if count == 1 else f"{config}/{split}/{index:05d}"


def _fields(spec: RecordSetSpec, rs: str, source: str) -> list[dict[str, Any]]:
    fields = []
    for name, feature in spec.features.items():
        inner = feature.feature if isinstance(feature, datasets.List) else feature
        kind = _data_type(inner)
        if kind is None:  # lists of records are described by the card's features, not here
            continue
        entry: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{rs}/{name}",
            "name": name,
            "dataType": kind,
            "source": {"fileObject": {"@id": source}, "extract": {"column": name}},
        }
        if inner is not feature:
            entry["repeated"] = True
        if isinstance(inner, datasets.ClassLabel):
            entry["description"] = "class index; names: " + ", ".join(inner.names)
        fields.append(entry)
    return fields


def build_croissant(
    *,
    name: str,
    version: str,
    description: str,
    license_url: str,
    url: str,
    files: Mapping[str, tuple[str, int]],
    record_sets: Sequence[RecordSetSpec],
    date_published: str | None = None,
    cite_as: str = CITE_AS,
) -> dict[str, Any]:
    """The Croissant document. ``files`` maps each file's relative path to (sha256, size in bytes)."""
    distribution = []
    for rel, (digest, size) in sorted(files.items()):
        fmt = (
            "application/x-parquet"
            if rel.endswith(".parquet")
            else "text/markdown"
            if rel.endswith(".md")
            else "text/plain"
        )
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": _file_id(rel),
                "name": rel,
                "contentUrl": rel,
                "contentSize": f"{size} B",
                "encodingFormat": fmt,
                "sha256": digest,
            }
        )
    sets = []
    for spec in record_sets:
        for index, rel in enumerate(spec.files):
            name = record_set_name(spec.config, spec.split, index, len(spec.files))
            sets.append(
                {
                    "@type": "cr:RecordSet",
                    "@id": name,
                    "name": name,
                    "description": f"config {spec.config}, split {spec.split} ({spec.num_rows} rows), from {rel}",
                    "field": _fields(spec, name, rel),
                }
            )
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": name,
        "description": description,
        "version": version,
        "license": license_url,
        "url": url,
        "distribution": distribution,
        "recordSet": sets,
    }
    if date_published:
        doc["datePublished"] = date_published
    doc["citeAs"] = cite_as
    return doc


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def croissant_issues(path: Path) -> list[Issue]:
    """Validate a ``croissant.json`` with mlcroissant; each error or warning it reports is one issue."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib inside mlcroissant
        return _croissant_issues(path)


def _croissant_issues(path: Path) -> list[Issue]:
    import mlcroissant as mlc

    try:
        dataset = mlc.Dataset(jsonld=path)
    except mlc.ValidationError as exc:
        return [Issue(code="croissant-invalid", file=FILENAME, message=line) for line in str(exc).splitlines() if line]
    ctx = dataset.metadata.ctx
    return [Issue(code="croissant-invalid", file=FILENAME, message=str(e)) for e in ctx.issues.errors] + [
        Issue(code="croissant-warning", file=FILENAME, message=str(w)) for w in ctx.issues.warnings
    ]


def record_count(path: Path, record_set: str) -> int:
    """The number of records mlcroissant reads from one record set."""
    import mlcroissant as mlc

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib inside mlcroissant
        return sum(1 for _ in mlc.Dataset(jsonld=path).records(record_set=record_set))
