"""A release's card and croissant.json describe the data being released, as a Hub card and Croissant 1.0 do."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from huggingface_hub import DatasetCard

from peacetalks.errors import ReleaseError
from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.release.build import build_release
from peacetalks.release.croissant import RAI_PROPERTIES, croissant_issues
from peacetalks.release.datacard import CARD_NAME, RAI_SECTIONS, card_section, update_card
from peacetalks.release.hub_card import hub_url
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.scheme import load_scheme
from peacetalks.storage.roots import bundled_root
from tests.conftest import DOC
from tests.release._corpora import write_v1, write_v2

PROJECT = Path(__file__).resolve().parents[2]
REPO = "someone/PeaceTalks-DE"
DAY = dt.date(2026, 3, 1)
# Paths of the source repository and its tests, which a Hub reader cannot open.
SOURCE_PATHS = re.compile(
    r"\b(schema|loaders|tests|benchmarks|annotations/layers|annotations/review|corpus/raw)/|\.py\b|GUIDELINES\.md"
)
# Sentences about the project's own tests ("test" alone is a split's name).
ABOUT_TESTS = re.compile(r"\b(a|the|our|its) tests?\b|\btests\b|test suite|pytest", re.IGNORECASE)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of the bundled corpus (the checkout's DATACARD.md), for the Hub repository REPO."""
    out = tmp_path_factory.mktemp("dist")
    return build_release(bundled_root(), "0.2.0", out, repo=REPO, date=DAY).folder


def _card_corpus(root: Path) -> Path:
    """A corpus folder with a data card whose generated sections are up to date."""
    shutil.copy(PROJECT / CARD_NAME, root / CARD_NAME)
    update_card(root / CARD_NAME, root)
    return root


def _generated(readme: str, name: str) -> str:
    found = re.search(rf"<!-- BEGIN GENERATED: {name} -->\n(.*?)<!-- END GENERATED: {name} -->", readme, re.DOTALL)
    assert found is not None, name
    return found[1]


def test_card_statistics_are_those_of_the_released_tables(tmp_path: Path) -> None:
    """v0.1.0 of one article says 1; v0.2.0 of two articles says 2 (with and without a DATACARD.md)."""
    root = _card_corpus(write_v1(tmp_path / "corpus"))
    first = build_release(root, "0.1.0", tmp_path / "dist").folder
    assert "| articles | 1 |" in _generated((first / "README.md").read_text(), "statistics")
    write_v2(root)
    update_card(root / CARD_NAME, root)
    second = build_release(root, "0.2.0", tmp_path / "dist").folder
    stats = _generated((second / "README.md").read_text(), "statistics")
    assert "| articles | 2 |" in stats
    assert "| mentions | 4 |" in stats
    bare = build_release(write_v2(tmp_path / "bare"), "0.1.0", tmp_path / "dist-bare").folder
    assert _generated((bare / "README.md").read_text(), "statistics") == stats


def test_a_stale_data_card_is_refused(tmp_path: Path) -> None:
    root = _card_corpus(write_v1(tmp_path / "corpus"))
    write_v2(root)  # two articles now; the card still counts one
    with pytest.raises(ReleaseError) as exc:
        build_release(root, "0.1.0", tmp_path / "dist")
    assert exc.value.code == "stale-data-card"
    assert exc.value.data["sections"] == ["charts", "statistics"]
    assert not (tmp_path / "dist").exists() or list((tmp_path / "dist").iterdir()) == []
    cli = [sys.executable, "-m", "peacetalks", "release", "--version", "0.1.0", "-r", str(root), "--out", "d"]
    proc = subprocess.run(cli, capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 1
    assert "[stale-data-card]" in proc.stderr
    assert "run 'peacetalks card'" in proc.stderr


def test_the_card_reads_as_a_hub_card(bundled: Path) -> None:
    readme = (bundled / "README.md").read_text()
    card = DatasetCard.load(bundled / "README.md")
    meta = card.data.to_dict()
    scheme = load_scheme()
    assert meta["license"] == scheme.annotation_license.lower()
    assert meta["language"] == ["de"]
    assert meta["task_categories"]
    for config in meta["configs"]:
        for entry in config["data_files"]:
            assert entry["split"] in SPLIT_NAMES
            assert all((bundled / path).is_file() for path in entry["path"])
    body = card.text
    # the texts first: what is missing, in plain words, and the commands that get it
    assert body.index("## Getting the texts") < body.index("## Loading")
    assert "are not included in this release" in body
    for line in ("pip install peacetalks", "peacetalks rehydrate RELEASE --fetch --out DIR"):
        assert f"\n{line}\n" in body
    assert f'source="{REPO}", revision="v0.2.0", texts="fetch")' in body
    seed = next(iter(json.loads((bundled / "croissant.json").read_text())["name"].split()))
    assert seed == "PeaceTalks-DE"
    assert re.search(r"The URL of 1 article is not known \(`tagesschau-[^`]+`\)", body)
    for config in CONFIG_NAMES:
        assert f'load_dataset("{REPO}", "{config}", revision="v0.2.0")' in body
        assert f'peacetalks.load("{config}", source="{REPO}", revision="v0.2.0")' in body
    assert "## Install and code" in body
    assert "https://pypi.org/project/peacetalks/" in body
    licences = body[body.index("## Licences") :].split("\n## ")[0]
    assert f"| annotations, structure and metadata | [{scheme.annotation_license}]" in licences
    assert "not included (stand-off) | `tagesschau-terms`" in licences
    assert "| the `peacetalks` code | MIT |" in licences
    bibtex = re.search(r"```bibtex\n(@misc\{.*?\n\})\n```", body, re.DOTALL)
    assert bibtex is not None
    assert "version = {0.2.0}" in bibtex[1]
    assert f"url = {{{hub_url(REPO)}}}" in bibtex[1]
    assert "year = {2026}" in bibtex[1]
    assert SOURCE_PATHS.findall(readme) == []
    assert ABOUT_TESTS.findall(body) == []


def test_the_card_without_a_known_repository_says_what_repo_means(tmp_path: Path) -> None:
    folder = build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist").folder
    body = (folder / "README.md").read_text()
    assert "`REPO` stands for this repository's id on the Hugging Face Hub" in body
    assert f"`{DOC}`" in body
    assert "url" not in json.loads((folder / "croissant.json").read_text())


def _field_names(fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {f["name"]: _field_names(f["subField"]) if "subField" in f else f["dataType"] for f in fields}


def test_croissant_names_the_dataset_its_repository_date_and_nested_columns(bundled: Path) -> None:
    doc = json.loads((bundled / "croissant.json").read_text())
    assert doc["name"] == "PeaceTalks-DE 0.2.0"
    assert doc["url"] == hub_url(REPO)
    assert doc["datePublished"] == DAY.isoformat()
    assert "@misc{" in doc["citeAs"]
    documents = next(rs for rs in doc["recordSet"] if rs["name"] == "documents/train")
    fields = _field_names(documents["field"])
    for nested in ("blocks", "mentions", "events", "stances"):
        assert isinstance(fields[nested], dict), nested
    assert fields["mentions"]["label"] == "sc:Integer"
    assert fields["events"]["trigger_text"] == "sc:Text"
    events_field = next(f for f in documents["field"] if f["name"] == "events")
    assert "arguments" in events_field["description"]
    events = next(rs for rs in doc["recordSet"] if rs["name"] == "events/train")
    arguments = {"argument_id", "role", "mention_id", "start", "end", "text"}
    assert set(_field_names(events["field"])["arguments"]) == arguments


def test_croissant_rai_fields_are_the_data_cards_own_words(bundled: Path) -> None:
    doc = json.loads((bundled / "croissant.json").read_text())
    card = (PROJECT / CARD_NAME).read_text()
    wanted = {
        "dataAnnotationProtocol",
        "dataAnnotationPlatform",
        "annotatorDemographics",
        "machineAnnotationTools",
        "dataAnnotationAnalysis",
        "dataLimitations",
        "dataReleaseMaintenancePlan",
    }
    assert wanted <= {key.removeprefix("rai:") for key in doc if key.startswith("rai:")}
    assert set(RAI_SECTIONS) == set(RAI_PROPERTIES)
    for key in RAI_PROPERTIES:
        if f"rai:{key}" in doc:
            assert doc[f"rai:{key}"] == card_section(card, RAI_SECTIONS[key])
    assert "AI agents" in doc["rai:machineAnnotationTools"]
    assert "| entities | mention | (all) |" in doc["rai:dataAnnotationAnalysis"]
    assert "semantic versioning" in doc["rai:dataReleaseMaintenancePlan"]


def test_mlcroissant_reads_every_record_set(bundled: Path) -> None:
    """Offline: every record set's records, and the nested mentions equal the Parquet file's."""
    import mlcroissant as mlc

    path = bundled / "croissant.json"
    assert [i.code for i in croissant_issues(path)] == []
    doc = json.loads(path.read_text())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        dataset = mlc.Dataset(jsonld=path)
        for rs in doc["recordSet"]:
            records = list(dataset.records(record_set=rs["name"]))
            config, split = rs["name"].split("/")[:2]
            rows = pq.read_table(bundled / "data" / config / f"{split}-00000-of-00001.parquet").to_pylist()
            assert len(records) == len(rows), rs["name"]
        first = next(iter(dataset.records(record_set="documents/train")))
    row = pq.read_table(bundled / "data/documents/train-00000-of-00001.parquet").to_pylist()[0]
    mentions = first["documents/train/mentions"]
    assert [m["documents/train/mentions/label"] for m in mentions] == [m["label"] for m in row["mentions"]]
    assert [m["documents/train/mentions/start"] for m in mentions] == [m["start"] for m in row["mentions"]]


def test_the_release_date_is_kept_on_a_rebuild_and_taken_from_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_v1(tmp_path / "corpus")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 UTC
    folder = build_release(root, "0.1.0", tmp_path / "dist").folder
    assert json.loads((folder / "croissant.json").read_text())["datePublished"] == "2026-01-01"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_release(root, "0.1.0", tmp_path / "dist").unchanged


def test_the_independent_pass_is_compared_with_gold_when_it_is_there(tmp_path: Path) -> None:
    """No layer: the section says so; a layer: the card gives `agree gold LAYER`, holder included."""
    from peacetalks.release.datacard import render_independent
    from tests.interchange.helpers import write_corpus, write_layer

    write_corpus(tmp_path)
    write_layer(tmp_path, None)  # gold
    assert render_independent(tmp_path, "indep") == "No independent pass: the layer indep is not present.\n"
    write_layer(tmp_path, "indep")
    section = render_independent(tmp_path, "indep")
    assert "`peacetalks agree gold indep`" in section
    assert "| entities | mention | (all) | 3 | 3 | 1.000 | 1.000 | 1.000 | 1.000 |" in section
    assert "| stances | evidence | holder | 1 | 1.000 |" in section
