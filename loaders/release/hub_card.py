"""The dataset card of a release (its ``README.md``), as the Hub shows it.

The card is generated: the YAML front matter (configs with ``data_files`` per split, features,
split sizes, licence, language, task categories), then, for a reader who found the dataset on the
Hub, what is missing and how to get it, how to load each config with ``datasets`` and with
``peacetalks``, the install line, the code, the licence of each part, this release's configs, the
data card (DATACARD.md of the corpus, its generated sections computed from the released tables,
between :data:`DATACARD_BEGIN` and :data:`DATACARD_END`) and a BibTeX citation. Facts come from
the scheme, the package metadata and the release; none is typed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import metadata
from typing import Any

import datasets
from huggingface_hub import DatasetCardData

from peacetalks._version import PROJECT_URL, __version__
from peacetalks.loading.standoff import FETCH, TEXT_FIELD_NAMES
from peacetalks.release.coverage import render_coverage
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.scheme import Scheme
from peacetalks.schema.tagsets import DEFAULT_TAGSET, tagsets

PRETTY_NAME = "PeaceTalks-DE"
TASK_CATEGORIES = ["token-classification", "text-classification"]
TASK_IDS = ["named-entity-recognition"]
TAGS = ["news", "diplomacy", "russia-ukraine-war", "events", "plover", "stance-detection", "entity-linking"]
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
DATACARD_BEGIN = "<!-- BEGIN DATACARD -->"
DATACARD_END = "<!-- END DATACARD -->"
# Parts of DATACARD.md about the source checkout itself (how the card is kept up to date), left out of a release.
_CHECKOUT_ONLY = re.compile(r"<!-- BEGIN CHECKOUT ONLY -->\n.*?<!-- END CHECKOUT ONLY -->\n?", re.DOTALL)
PACKAGE = "peacetalks"
PYPI_URL = PROJECT_URL
REPO_PLACEHOLDER = "REPO"
TEXTS_EXAMPLE_CONFIG = "tokens"  # the config the card's example of loading with the texts loads
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


@cache
def package_metadata() -> dict[str, Any]:
    """Summary, author, licence and project URLs of the ``peacetalks`` package (pyproject.toml)."""
    meta = metadata(PACKAGE)
    urls = [str(u).split(",", 1) for u in meta.get_all("Project-URL") or []]
    return {
        "summary": str(meta["Summary"]),
        "author": str(meta["Author"] or meta["Author-email"] or ""),
        "license": str(meta["License-Expression"] or meta["License"] or ""),
        "urls": {label.strip(): url.strip() for label, url in urls},
    }


def description() -> str:
    """What the dataset is, in one sentence: the package's summary (pyproject.toml) after the name."""
    summary = str(package_metadata()["summary"])
    _, _, what = summary.partition(f"{PRETTY_NAME}: ")
    return (what[:1].upper() + what[1:]) if what else summary


def hub_url(repo: str) -> str:
    return f"https://huggingface.co/datasets/{repo}"


@dataclass(frozen=True)
class Article:
    """What the card says about one article: its licence and url (None: not recorded)."""

    doc_id: str
    license: str
    url: str | None


@dataclass(frozen=True)
class CardFacts:
    """The facts of one release that its card states."""

    version: str
    date: dt.date
    repo: str | None  # the Hub repository it is published to, when known
    configs: Sequence[ConfigData]
    articles: Sequence[Article]
    standoff: Sequence[str]  # doc_ids whose licence forbids redistribution
    include_text: bool
    scheme: Scheme
    # Per kind: annotated and unannotated articles and each status (release/coverage.py); empty: not counted.
    coverage: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @property
    def stripped(self) -> list[Article]:
        """The articles released without their text."""
        if self.include_text:
            return []
        ids = set(self.standoff)
        return [a for a in self.articles if a.doc_id in ids]

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def repo_id(self) -> str:
        return self.repo or REPO_PLACEHOLDER


def citation(facts: CardFacts) -> str:
    """The BibTeX entry of this release."""
    meta = package_metadata()
    key = f"{PRETTY_NAME.lower()}-{facts.version}".replace(".", "-")
    fields = [
        ("title", f"{{{PRETTY_NAME}}}: {description().rstrip('.')}"),
        ("author", f"{{{meta['author']}}}"),
        ("year", str(facts.date.year)),
        ("version", facts.version),
        ("publisher", "Hugging Face" if facts.repo else ""),
        ("url", hub_url(facts.repo) if facts.repo else ""),
        ("note", "Dataset"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1)


def datacard_part(card: str) -> str:
    """The data card inside a release's README (between the DATACARD markers); the whole text when unmarked."""
    begin, end = card.find(DATACARD_BEGIN), card.find(DATACARD_END)
    if begin < 0 or end < begin:
        return strip_front_matter(card)
    return card[begin + len(DATACARD_BEGIN) : end].strip() + "\n"


def hub_datacard(datacard: str) -> str:
    """DATACARD.md as a release carries it: no front matter, no parts about the source checkout."""
    return _CHECKOUT_ONLY.sub("", strip_front_matter(datacard)).strip() + "\n"


def _doc_list(articles: Sequence[Article]) -> str:
    return ", ".join(f"`{a.doc_id}`" for a in articles)


def texts_section(facts: CardFacts) -> str:
    """Say first, in plain words, which texts are missing and the commands that get them."""
    stripped = facts.stripped
    if not stripped:
        if facts.standoff:
            return (
                "## Texts\n\nThis release was built with `--include-text`: it contains the texts of articles whose"
                " licence does not allow redistributing them. Keep it private.\n"
            )
        return "## Texts\n\nEvery article's text is included.\n"
    licences = sorted({a.license for a in stripped})
    unknown = [a for a in stripped if not a.url]
    lines = [
        "## Getting the texts",
        "",
        (
            f"**The texts of {len(stripped)} of the {_count(len(facts.articles), 'article')} are not included in"
            f" this release.** Their licence ({', '.join(f'`{x}`' for x in licences)}) does not allow redistributing"
            " them, so these articles are here stand-off: URL, `text_sha256`, structure and every annotation"
            f" offset, but each of their text fields ({', '.join(f'`{n}`' for n in _text_fields(facts.configs))},"
            " at any depth) is empty (null). Do not train on them"
            " as they are: get the texts first. `peacetalks` fetches each article from its URL, checks it"
            " against its `text_sha256` and fills every text in:"
        ),
        "",
        "```sh",
        f"pip install {PACKAGE}",
        "peacetalks rehydrate RELEASE --fetch --out DIR",
        "```",
        "",
        (
            f"`RELEASE` is a local copy of this repository (`hf download {facts.repo_id} --repo-type dataset"
            f" --revision {facts.tag} --local-dir RELEASE`); `DIR` receives the same release with the texts,"
            " which loads like this one. Or fetch them while loading:"
        ),
        "",
        "```python",
        "import peacetalks",
        "",
        (
            f'ds = peacetalks.load("{TEXTS_EXAMPLE_CONFIG}", source="{facts.repo_id}", revision="{facts.tag}",'
            f' texts="{FETCH}")'
        ),
        "```",
        "",
    ]
    if unknown:
        lines += [
            (
                f"The URL of {_count(len(unknown), 'article')} is not known ({_doc_list(unknown)}): it was not"
                " recorded when the article was collected, so `--fetch` cannot get it. With your own copy of"
                " the article's text (a `.txt` file, plain text or the raw form `peacetalks ingest` reads),"
                " `peacetalks rehydrate RELEASE --texts FOLDER --out DIR` or `peacetalks.load(...,"
                ' texts="FOLDER")` fills it in when its sha256 matches.'
            ),
            "",
        ]
    lines += ["| doc_id | licence | url |", "|---|---|---|"]
    lines += [f"| {a.doc_id} | {a.license} | {a.url or '(not known)'} |" for a in stripped]
    return "\n".join(lines) + "\n"


def _text_fields(configs: Sequence[ConfigData]) -> list[str]:
    """The fields of the configs (nested ones too) that hold article text, which a stand-off release nulls."""
    found: set[str] = set()

    def walk(features: Any) -> None:
        for name, feature in features.items():
            inner = feature.feature if isinstance(feature, datasets.List) else feature
            if name in TEXT_FIELD_NAMES:
                found.add(name)
            if isinstance(inner, dict):
                walk(inner)

    for cfg in configs:
        walk(cfg.features)
    return sorted(found)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _empty_splits(cfg: ConfigData) -> list[str]:
    return [s for s in SPLIT_NAMES if s not in cfg.splits]


def loading_section(facts: CardFacts) -> str:
    """How to load each config with plain ``datasets`` and with ``peacetalks``."""
    repo, tag = facts.repo_id, facts.tag
    where = (
        f"`{repo}` is this repository on the Hugging Face Hub"
        if facts.repo
        else f"`{REPO_PLACEHOLDER}` stands for this repository's id on the Hugging Face Hub (`owner/name`, at the"
        " top of its page) or the folder of a local copy"
    )
    lines = [
        "## Loading",
        "",
        f"{where}; `revision` pins this release ({tag}). With `datasets` alone:",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
    ]
    lines += [f'{cfg.name} = load_dataset("{repo}", "{cfg.name}", revision="{tag}")' for cfg in facts.configs]
    lines += [
        "```",
        "",
        "With `peacetalks` (the same configs and rows, plus every split, the stand-off texts and other tag sets):",
        "",
        "```python",
        "import peacetalks",
        "",
    ]
    lines += [f'{cfg.name} = peacetalks.load("{cfg.name}", source="{repo}", revision="{tag}")' for cfg in facts.configs]
    lines += ["```", "", "| config | rows per split | columns |", "|---|---|---|"]
    for cfg in facts.configs:
        rows = ", ".join(f"{split} {cfg.splits[split].num_examples}" for split in SPLIT_NAMES if split in cfg.splits)
        lines.append(f"| `{cfg.name}` | {rows or 'none'} | {', '.join(f'`{c}`' for c in cfg.features)} |")
    labels = [name for cfg in facts.configs for name, f in cfg.features.items() if _class_label(f) is not None]
    example = "label" if "label" in labels else (labels[0] if labels else "label")
    lines += [
        "",
        (
            "Label columns are `ClassLabel`s: integers whose names are in the features"
            f' (`ds["train"].features["{example}"]`, `.int2str(i)`).'
        ),
    ]
    empty = {cfg.name: _empty_splits(cfg) for cfg in facts.configs if _empty_splits(cfg)}
    if empty:
        which = "; ".join(f"`{name}`: {', '.join(splits)}" for name, splits in empty.items())
        lines += [
            "",
            (
                f"Splits without rows in this release ({which}) are not listed in the metadata, since `datasets`"
                " cannot load an empty split; `peacetalks.load` gives them as empty datasets with the config's"
                " features."
            ),
        ]
    known = tagsets()
    others = [name for name in known if name != DEFAULT_TAGSET]
    if others and any(cfg.name == "tokens" for cfg in facts.configs):
        lines += [
            "",
            (
                f"`tokens` carries the `{DEFAULT_TAGSET}` tag set ({known[DEFAULT_TAGSET].description});"
                f' `peacetalks.load("tokens", ..., tagset=NAME)` maps its `ner_tags` to another: '
                + "; ".join(f"`{name}` ({known[name].description})" for name in others)
                + "."
            ),
        ]
    return "\n".join(lines) + "\n"


def _class_label(feature: Any) -> datasets.ClassLabel | None:
    inner = feature.feature if isinstance(feature, datasets.List) else feature
    return inner if isinstance(inner, datasets.ClassLabel) else None


def install_section(facts: CardFacts) -> str:
    """The install line and where the code is."""
    meta = package_metadata()
    urls = [f"[{label}]({url})" for label, url in sorted(meta["urls"].items())]
    code = ", ".join([f"[{PACKAGE} on PyPI]({PYPI_URL})", *urls])
    return (
        "## Install and code\n\n"
        f"```sh\npip install {PACKAGE}\n```\n\n"
        f"The `{PACKAGE}` package validates, loads, rehydrates and releases this corpus: {code}. This release"
        f" ({facts.version}) was built with {PACKAGE} {__version__}.\n"
    )


def _licence(scheme: Scheme, lic: str) -> str:
    url = scheme.license_urls.get(lic)
    name = f"[{lic}]({url})" if url else f"`{lic}`"
    text = scheme.descriptions.get("licenses", {}).get(lic, "")
    return f"{name}: {text}" if text else name


def licence_section(facts: CardFacts) -> str:
    """The licence of each part: annotations, texts (per licence: included or not), code."""
    s = facts.scheme
    stripped = {a.doc_id for a in facts.stripped}
    lines = [
        "## Licences",
        "",
        "| part | licence |",
        "|---|---|",
        f"| annotations, structure and metadata | {_licence(s, s.annotation_license)} |",
    ]
    for lic in sorted({a.license for a in facts.articles}):
        docs = [a for a in facts.articles if a.license == lic]
        state = "not included (stand-off)" if any(a.doc_id in stripped for a in docs) else "included"
        lines.append(f"| texts of {_count(len(docs), 'article')}, {state} | {_licence(s, lic)} |")
    lic = package_metadata()["license"]
    if lic:
        lines.append(f"| the `{PACKAGE}` code | {lic} |")
    return "\n".join(lines) + "\n"


def release_section(facts: CardFacts) -> str:
    """The card's section on this release: configs and split sizes, and its files."""
    lines = [
        f"## Release {facts.version}",
        "",
        f"Released {facts.date.isoformat()}.",
        "",
        "| config | split | rows |",
        "|---|---|---:|",
    ]
    for cfg in facts.configs:
        lines += [f"| {cfg.name} | {split} | {data.num_examples} |" for split, data in cfg.splits.items()]
    if facts.coverage:
        lines += ["", "### Annotation coverage", "", "Articles per kind of annotation:", ""]
        lines.append(render_coverage(facts.coverage).rstrip("\n"))
    lines += [
        "",
        (
            "Files: `data/<config>/<split>-*.parquet` (the configs, features in the Parquet metadata), `tables/`"
            " (the corpus and annotation tables the configs are built from"
            + (", texts of stand-off articles left out" if facts.stripped else "")
            + "), `croissant.json` (Croissant 1.0 metadata), `SHA256SUMS` (the sha256 of every file) and"
            " `CHANGELOG.md` (what changed since the previous release)."
        ),
    ]
    return "\n".join(lines) + "\n"


def render_card(data: DatasetCardData, facts: CardFacts, datacard: str) -> str:
    """The README.md of a release: YAML front matter, the sections for Hub readers, the data card, the citation."""
    parts = [
        f"---\n{data.to_yaml()}\n---",
        f"# {PRETTY_NAME} {facts.version}\n\n{description()}",
        texts_section(facts),
        loading_section(facts),
        install_section(facts),
        licence_section(facts),
        release_section(facts),
        f"{DATACARD_BEGIN}\n\n{hub_datacard(datacard).strip()}\n\n{DATACARD_END}",
        f"## Citation\n\n```bibtex\n{citation(facts)}\n```",
    ]
    return "\n\n".join(p.strip() for p in parts) + "\n"
