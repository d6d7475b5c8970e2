"""The same request gives the same answer from a corpus folder and from a release built from it.

The releases are stand-off (their licensed texts left out), so they are loaded with those texts filled in
from local copies (``texts=DIR``; without ``texts=`` a stand-off release is ``texts-missing``).

Splits: every split of the corpus folder exists in the release (an empty one as an empty Dataset
with the same features, since ``datasets`` cannot load an empty split from a card). ``scan()``: the
same tables, labels as strings, from both (a release's texts of stand-off articles are null).
``tagset=``: a label mapping over the release's ``ner_tags``, equal to tagging the corpus folder,
from a release folder and from the Hub (the stand-in on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import datasets
import polars as pl
import pytest

import peacetalks
from peacetalks.errors import LoadError
from peacetalks.loading.configs import CONFIG_NAMES
from peacetalks.release.build import build_release
from peacetalks.release.publish import publish_hub
from peacetalks.schema.columns import SPLIT_NAMES
from peacetalks.schema.tables import ALL_TABLES
from peacetalks.schema.tagsets import tagsets
from peacetalks.storage.roots import bundled_root
from tests.conftest import DOC, PROJECT
from tests.release._corpora import write_texts, write_v2
from tests.release.hub_standin import HubStandIn
from tests.release.test_publish_hub import REPO


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))


# The local copy of the bundled corpus's stand-off text (the seed article), in the checkout's raw folder.
SEED_TEXTS = PROJECT / "corpus" / "raw"


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    """Local copies of the stand-off text of the v2 corpus."""
    return write_texts(tmp_path / "texts")


@pytest.fixture
def v2(tmp_path: Path) -> tuple[Path, Path]:
    """A corpus with a train (stand-off) and a test article and no validation article, and its release."""
    root = write_v2(tmp_path / "corpus")
    return root, build_release(root, "0.1.0", tmp_path / "dist").folder


def _rows(ds: datasets.Dataset) -> list[dict[str, object]]:
    return [dict(row) for row in ds]


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_every_split_of_the_corpus_exists_in_the_release(config: str, v2: tuple[Path, Path], texts: Path) -> None:
    root, release = v2
    here = peacetalks.load(config, source=root)
    there = peacetalks.load(config, source=release, texts=texts)
    assert isinstance(here, datasets.DatasetDict)
    assert isinstance(there, datasets.DatasetDict)
    assert list(here) == list(there) == list(SPLIT_NAMES)
    assert {s: d.num_rows for s, d in here.items()} == {s: d.num_rows for s, d in there.items()}
    assert here["validation"].num_rows == 0
    for split in SPLIT_NAMES:
        one = peacetalks.load(config, split, source=release, texts=texts)
        assert isinstance(one, datasets.Dataset)
        assert one.features == here[split].features
        assert one.num_rows == here[split].num_rows
        assert str(one.split) == split
    # every row is the same, texts included: the open article's as released, the stand-off one's filled in
    for split in SPLIT_NAMES:
        assert _rows(here[split]) == _rows(there[split])
    assert any(r["doc_id"] == DOC for r in _rows(there["train"]))


@pytest.mark.parametrize("table", ALL_TABLES, ids=lambda t: t.name)
def test_scan_gives_the_same_table_with_labels_as_strings(table: object, v2: tuple[Path, Path]) -> None:
    root, release = v2
    name = table.name  # type: ignore[attr-defined]
    text = list(table.text_columns)  # type: ignore[attr-defined]
    for split in (None, *SPLIT_NAMES):
        here = peacetalks.scan(name, split=split, source=root).collect()
        there = peacetalks.scan(name, split=split, source=release).collect()
        assert there.schema == here.schema
        assert there.drop(text).equals(here.drop(text)), (name, split)
        if "doc_id" in here.columns:  # texts: the open article's kept, the stand-off article's null
            assert there.filter(pl.col("doc_id") != DOC).equals(here.filter(pl.col("doc_id") != DOC))
            standoff = there.filter(pl.col("doc_id") == DOC).select(text)
            assert all(standoff[c].null_count() == standoff.height for c in text)
    labels = peacetalks.scan("entities", source=release).collect()["label"]
    assert labels.dtype == pl.String
    assert set(labels.to_list()) <= set(peacetalks.scan("entities", source=root).collect()["label"].to_list())


def _tags(ds: datasets.DatasetDict) -> dict[str, object]:
    return {
        "names": ds["train"].features["ner_tags"].feature.names,
        "tags": {split: list(d["ner_tags"]) for split, d in ds.items()},
    }


@pytest.mark.parametrize("tagset", list(tagsets()))
def test_tagset_on_a_release_equals_tagging_the_corpus(
    tagset: str, v2: tuple[Path, Path], texts: Path, tmp_path: Path
) -> None:
    """Both on the small corpus and on the bundled one, whose mentions include DERIV and PART forms."""
    bundled = build_release(bundled_root(), "0.1.0", tmp_path / "bundled").folder
    for root, release, copies in ((*v2, texts), (bundled_root(), bundled, SEED_TEXTS)):
        here = peacetalks.load("tokens", source=root, tagset=tagset)
        there = peacetalks.load("tokens", source=release, tagset=tagset, texts=copies)
        assert isinstance(here, datasets.DatasetDict)
        assert isinstance(there, datasets.DatasetDict)
        assert _tags(there) == _tags(here)
        assert there["train"].features == here["train"].features
        one = peacetalks.load("tokens", "train", source=release, tagset=tagset, texts=copies)
        assert isinstance(one, datasets.Dataset)
        assert list(one["ner_tags"]) == list(here["train"]["ner_tags"])
    if tagset != "peacetalks":  # the mapping changes something, so the test could fail
        plain = peacetalks.load("tokens", source=bundled, texts=SEED_TEXTS)
        assert isinstance(plain, datasets.DatasetDict)
        assert _tags(plain) != _tags(there)


_HUB_LOAD = """
import json, sys
import peacetalks
ds = peacetalks.load("tokens", source=sys.argv[1], revision=sys.argv[2], tagset=sys.argv[3], texts=sys.argv[4])
print(json.dumps({"names": ds["train"].features["ner_tags"].feature.names,
                  "tags": {split: list(d["ner_tags"]) for split, d in ds.items()}}))
"""


def test_tagset_on_the_hub_equals_tagging_the_corpus(hub: HubStandIn, tmp_path: Path) -> None:
    """A fresh process (huggingface_hub reads HF_ENDPOINT when imported) loads tokens from the stand-in."""
    release = build_release(bundled_root(), "0.1.0", tmp_path / "dist", repo=REPO).folder
    publish_hub(release, REPO)
    for tagset in ("germeval2014", "conll2003"):
        proc = subprocess.run(
            [sys.executable, "-c", _HUB_LOAD, REPO, "v0.1.0", tagset, str(SEED_TEXTS)],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=False,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        remote = json.loads(proc.stdout.strip().splitlines()[-1])
        here = peacetalks.load("tokens", source=bundled_root(), tagset=tagset)
        assert isinstance(here, datasets.DatasetDict)
        assert remote == _tags(here)


def test_mention_types_still_need_a_corpus_folder(v2: tuple[Path, Path]) -> None:
    """Other mention types need mentions the release's tokens do not tag: a coded error, not a wrong answer."""
    with pytest.raises(LoadError) as exc:
        peacetalks.load("tokens", source=v2[1], mention_types=["NAM", "NOM"])
    assert exc.value.code == "options-need-corpus"
