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


def _leaf(feature: Any) -> tuple[Any, bool]:
    """The feature inside a list (and whether there was one)."""
    return (feature.feature, True) if isinstance(feature, datasets.List) else (feature, False)


def _field(name: str, feature: Any, at: str, source: str, path: tuple[str, ...]) -> dict[str, Any] | None:
    """One field (``path``: the names above it inside its top-level column), with sub-fields for records.

    A sub-field reads its column and picks its value out of each record with a JSON path.
    """
    inner, repeated = _leaf(feature)
    entry: dict[str, Any] = {"@type": "cr:Field", "@id": f"{at}/{name}", "name": name}
    column = path[0] if path else name
    src: dict[str, Any] = {"fileObject": {"@id": source}, "extract": {"column": column}}
    if path:
        src["transform"] = [{"jsonPath": p} for p in (*path[1:], name)]
    if isinstance(inner, dict) and path:
        return None  # records nested in records: see the parent's description
    if isinstance(inner, dict):
        subs = [_field(k, f, f"{at}/{name}", source, (*path, name)) for k, f in inner.items()]
        entry["subField"] = [sub for sub in subs if sub is not None]
        deeper = [k for k, f in inner.items() if isinstance(_leaf(f)[0], dict)]
        if deeper:
            # Croissant 1.0 readers pick a sub-field's value out of each record with a JSON path, one
            # level deep; lists of records inside those records are described, not declared.
            entry["description"] = (
                f"{', '.join(deeper)}: lists of records inside each record, not declared as sub-fields here"
                f" (a reader takes sub-fields one level deep); the record sets of the {name} config hold them"
                " as sub-fields"
            )
    else:
        kind = _data_type(inner)
        if kind is None:
            return None
        entry["dataType"] = kind
        entry["source"] = src
        if isinstance(inner, datasets.ClassLabel):
            entry["description"] = "class index; names: " + ", ".join(inner.names)
    if repeated:
        entry["repeated"] = True
    return entry


def _fields(spec: RecordSetSpec, rs: str, source: str) -> list[dict[str, Any]]:
    fields = [_field(name, feature, rs, source, ()) for name, feature in spec.features.items()]
    return [f for f in fields if f is not None]


# Croissant RAI properties (http://mlcommons.org/croissant/RAI/) a release fills in, from the data card.
RAI_PROPERTIES = (
    "dataCollection",
    "dataPreprocessingProtocol",
    "dataAnnotationProtocol",
    "dataAnnotationPlatform",
    "dataAnnotationAnalysis",
    "annotatorDemographics",
    "machineAnnotationTools",
    "dataBiases",
    "dataLimitations",
    "dataUseCases",
    "personalSensitiveInformation",
    "dataReleaseMaintenancePlan",
)


def build_croissant(
    *,
    name: str,
    version: str,
    description: str,
    license_url: str,
    files: Mapping[str, tuple[str, int]],
    record_sets: Sequence[RecordSetSpec],
    date_published: str,
    cite_as: str,
    url: str | None = None,
    rai: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The Croissant document. ``files`` maps each file's relative path to (sha256, size in bytes).

    ``url``: the repository the release is published to (left out when not known); ``rai``: Croissant
    RAI properties (names of :data:`RAI_PROPERTIES`) and their text.
    """
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
            set_name = record_set_name(spec.config, spec.split, index, len(spec.files))
            sets.append(
                {
                    "@type": "cr:RecordSet",
                    "@id": set_name,
                    "name": set_name,
                    "description": f"config {spec.config}, split {spec.split} ({spec.num_rows} rows), from {rel}",
                    "field": _fields(spec, set_name, rel),
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
    }
    if url:
        doc["url"] = url
    doc["datePublished"] = date_published
    doc["citeAs"] = cite_as
    unknown = sorted(set(rai or {}) - set(RAI_PROPERTIES))
    if unknown:
        raise ValueError(f"not Croissant RAI properties of a release: {unknown}")
    doc |= {f"rai:{key}": (rai or {})[key] for key in RAI_PROPERTIES if (rai or {}).get(key)}
    doc["distribution"] = distribution
    doc["recordSet"] = sets
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
