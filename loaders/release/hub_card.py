"""The dataset card of a release: DATACARD.md with its Hugging Face YAML front matter generated."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import datasets
from huggingface_hub import DatasetCardData

PRETTY_NAME = "PeaceTalks-DE"
TASK_CATEGORIES = ["token-classification", "text-classification"]
TASK_IDS = ["named-entity-recognition"]
TAGS = ["news", "diplomacy", "russia-ukraine-war", "events", "plover", "stance-detection", "entity-linking"]
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


def mixed_license_name(annotation_license: str) -> str:
    """The Hub ``license_name`` of a release that includes texts whose licence forbids redistribution."""
    return f"annotations-{annotation_license.lower()}-texts-not-redistributable"


@dataclass(frozen=True)
class SplitData:
    files: tuple[str, ...]
    num_examples: int
    num_bytes: int
    download_bytes: int


@dataclass(frozen=True)
class ConfigData:
    name: str
    features: datasets.Features
    splits: dict[str, SplitData]


def size_category(n: int) -> str:
    for bound, label in _SIZES:
        if n < bound:
            return label
    return "1M<n<10M" if n < 10_000_000 else "n>10M"


def card_data(
    configs: Sequence[ConfigData],
    *,
    default: str,
    license_id: str,
    languages: Sequence[str],
    num_documents: int,
    license_name: str | None = None,
) -> DatasetCardData:
    """The YAML front matter: configs with data_files per split, dataset_info with features and sizes."""
    meta_configs = []
    infos = []
    for cfg in configs:
        entry: dict[str, object] = {
            "config_name": cfg.name,
            "data_files": [{"split": split, "path": list(data.files)} for split, data in cfg.splits.items()],
        }
        if cfg.name == default:
            entry["default"] = True
        meta_configs.append(entry)
        split_dict = datasets.SplitDict()
        for split, data in cfg.splits.items():
            split_dict.add(datasets.SplitInfo(name=split, num_bytes=data.num_bytes, num_examples=data.num_examples))
        info = datasets.DatasetInfo(
            features=cfg.features,
            splits=split_dict,
            download_size=sum(d.download_bytes for d in cfg.splits.values()),
            dataset_size=sum(d.num_bytes for d in cfg.splits.values()),
        )
        # datasets writes dataset_info into a card with this method and has no public one for it
        infos.append({"config_name": cfg.name, **info._to_yaml_dict()})  # noqa: SLF001
    extra: dict[str, Any] = {"pretty_name": PRETTY_NAME, "configs": meta_configs, "dataset_info": infos}
    if license_name:
        extra["license_name"] = license_name
        extra["license_link"] = "README.md"
    return DatasetCardData(
        license=license_id,
        language=list(languages),
        # Both annotation passes and the adjudication were made by AI agents (DATACARD.md,
        # "Who are the annotators?"), so the Hub's vocabulary term is machine-generated.
        annotations_creators=["machine-generated"],
        language_creators=["found"],
        multilinguality="monolingual",
        source_datasets=["original"],
        task_categories=TASK_CATEGORIES,
        task_ids=TASK_IDS,
        size_categories=[size_category(num_documents)],
        tags=TAGS,
        **extra,
    )


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1)


def render_card(data: DatasetCardData, body: str, release_section: str) -> str:
    return f"---\n{data.to_yaml()}\n---\n\n{strip_front_matter(body).strip()}\n\n{release_section.strip()}\n"


def release_section(
    version: str,
    configs: Sequence[ConfigData],
    *,
    standoff: Mapping[str, str],
    include_text: bool,
) -> str:
    """The card's section on this release: configs and split sizes, stand-off articles and why."""
    lines = [f"## Release {version}", "", "| config | split | rows |", "|---|---|---:|"]
    for cfg in configs:
        lines += [f"| {cfg.name} | {split} | {data.num_examples} |" for split, data in cfg.splits.items()]
    lines += ["", "### Stand-off articles", ""]
    if standoff:
        if include_text:
            lines.append(
                "This release was built with `--include-text`: it contains texts whose licence does not allow"
                " redistribution. Keep it private."
            )
        else:
            lines.append(
                "These articles' licences do not allow redistributing their text, so this release carries them"
                " stand-off: url, `text_sha256`, structure and annotation offsets, and no text (text columns are"
                " null). `peacetalks rehydrate RELEASE --texts DIR --out OUT` fills the text in from a local copy"
                " whose sha256 matches."
            )
        lines += ["", "| doc_id | licence |", "|---|---|"]
        lines += [f"| {doc} | {lic} |" for doc, lic in sorted(standoff.items())]
    else:
        lines.append("None: every article's text is included.")
    lines += [
        "",
        "### Files",
        "",
        (
            "`data/<config>/<split>-*.parquet` (features in the Parquet metadata), `tables/` (the corpus and"
            " annotation source tables, text stripped as above), `croissant.json` (Croissant 1.0), `SHA256SUMS`"
            " (sha256 of every file), `CHANGELOG.md`."
        ),
    ]
    return "\n".join(lines) + "\n"
