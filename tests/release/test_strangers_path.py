"""Issue 12's "Done when": a stranger's path from a stand-off release to a tokenised training batch.

release (stand-off) -> publish to the Hub stand-in -> ``datasets.load_dataset(repo, config, revision=tag)``
in a Python where ``peacetalks`` cannot be imported -> the card says what is missing and how to get it
-> the texts (``peacetalks rehydrate``) -> ``peacetalks.load(..., texts=...)`` -> a padded batch of token
ids and label ids, with a vocabulary built here (no model download).

How "without peacetalks" is made: ``python -I`` (no PYTHONPATH, no user site, no current folder) with
an import hook first on ``sys.meta_path`` that refuses ``peacetalks``: the editable install of this
checkout would otherwise be importable from the venv's site-packages. The subprocess checks that
``import peacetalks`` fails and that nothing imported it.

The texts step has two ways in the product, each walked here end to end: local copies (``--texts
DIR``), and each article fetched from its ``url`` (``--fetch``, from the test's news site on 127.0.0.1
serving tagesschau.de-like pages of the seed article, one of them changed since the release).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from peacetalks.cli import main
from peacetalks.errors import FetchFailed, LoadError
from peacetalks.loading.load import load
from peacetalks.release.build import build_release
from peacetalks.release.publish import publish_hub
from tests.conftest import DOC
from tests.release._corpora import DOC2, write_texts, write_v2
from tests.release.fetch_corpus import OPEN, doc_id, write_fetch_corpus
from tests.release.hub_standin import HubStandIn
from tests.release.page_server import PageServer

REPO = "stranger-lab/PeaceTalks-DE"
TAG = "v0.1.0"

_STRANGER = r"""
import importlib.abc, json, sys

class NoPeacetalks(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "peacetalks" or name.startswith("peacetalks."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, NoPeacetalks())
try:
    import peacetalks  # noqa: F401
    importable = True
except ModuleNotFoundError:
    importable = False

import datasets
from huggingface_hub import hf_hub_download

repo, tag = sys.argv[1], sys.argv[2]
tokens = datasets.load_dataset(repo, "tokens", revision=tag)
rows = [row for split in tokens.values() for row in split]
card = hf_hub_download(repo, "README.md", repo_type="dataset", revision=tag)
print(json.dumps({
    "importable": importable,
    "imported": sorted(m for m in sys.modules if m.split(".")[0] == "peacetalks"),
    "splits": {name: split.num_rows for name, split in tokens.items()},
    "null_tokens": sorted({row["doc_id"] for row in rows if row["tokens"] is None}),
    "with_tokens": sorted({row["doc_id"] for row in rows if row["tokens"] is not None}),
    "tag_names": tokens[next(iter(tokens))].features["ner_tags"].feature.names,
    "card": open(card, encoding="utf-8").read(),
}))
"""


def _as_stranger(hub: HubStandIn, tmp_path: Path) -> dict[str, Any]:
    env = {
        "HF_ENDPOINT": hub.endpoint,
        "HF_HUB_DISABLE_XET": "1",
        "HF_HOME": str(tmp_path / "stranger-hf"),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PATH": "/usr/bin:/bin",
    }
    proc = subprocess.run(
        [sys.executable, "-I", "-c", _STRANGER, REPO, TAG],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def training_batch(rows: list[dict[str, Any]], tag_names: list[str]) -> dict[str, list[list[int]]]:
    """A padded batch: token ids from a vocabulary built from the rows (0 = padding, 1 = unknown), labels
    as the tag ids with -100 on padding (the value a token-classification loss ignores)."""
    vocab = {"<pad>": 0, "<unk>": 1}
    for row in rows:
        for token in row["tokens"]:
            vocab.setdefault(token, len(vocab))
    width = max(len(row["tokens"]) for row in rows)
    batch: dict[str, list[list[int]]] = {"input_ids": [], "attention_mask": [], "labels": []}
    for row in rows:
        n = len(row["tokens"])
        batch["input_ids"].append([vocab.get(t, 1) for t in row["tokens"]] + [0] * (width - n))
        batch["attention_mask"].append([1] * n + [0] * (width - n))
        batch["labels"].append(list(row["ner_tags"]) + [-100] * (width - n))
    assert all(0 <= tag < len(tag_names) for row in rows for tag in row["ner_tags"])
    return batch


def _point_at(hub: HubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's huggingface_hub at the stand-in (it read HF_ENDPOINT on import), with a cache of the test's."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", hub.endpoint)
    url = hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    monkeypatch.setattr(huggingface_hub.constants, "HUGGINGFACE_CO_URL_TEMPLATE", url)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


def _batch_checks(rows: list[dict[str, Any]], names: list[str]) -> None:
    batch = training_batch(rows, names)
    width = max(len(row["tokens"]) for row in rows)
    assert [len(ids) for ids in batch["input_ids"]] == [width] * len(rows)
    assert [sum(mask) for mask in batch["attention_mask"]] == [len(row["tokens"]) for row in rows]
    putin = next(i for i, row in enumerate(rows) if "Putin" in row["tokens"])
    at = rows[putin]["tokens"].index("Putin")
    assert names[batch["labels"][putin][at]] == "B-PER"
    assert batch["input_ids"][putin][at] > 1  # a real id, not padding or unknown


def test_a_stranger_goes_from_the_hub_to_a_training_batch(
    hub: HubStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PEACETALKS_CACHE", str(tmp_path / "cache"))
    _point_at(hub, tmp_path, monkeypatch)
    # the team: a stand-off release, published
    release = build_release(write_v2(tmp_path / "corpus"), "0.1.0", tmp_path / "dist")
    assert release.standoff == [DOC]
    publish_hub(release.folder, REPO)
    assert hub.repos[REPO].tags[TAG] == hub.repos[REPO].branches["main"]

    # the stranger, with datasets and no peacetalks: the configs load; the stand-off text is missing
    seen = _as_stranger(hub, tmp_path)
    assert seen["importable"] is False
    assert seen["imported"] == []
    assert seen["null_tokens"] == [DOC]
    assert seen["with_tokens"] == [DOC2]
    assert set(seen["splits"]) >= {"train", "test"}
    # the card says which article lacks its text and the command that gets it
    card = seen["card"]
    assert DOC in card
    assert "peacetalks rehydrate" in card
    assert "text_sha256" in card
    # and so does peacetalks, before anything is trained on null tokens
    with pytest.raises(LoadError) as missing:
        load("tokens", source=REPO, revision=TAG)
    assert (missing.value.code, missing.value.data["doc_ids"]) == ("texts-missing", [DOC])

    # the stranger gets the texts (here: a local copy; see test_the_texts_are_fetched_from_each_url)
    downloaded = tmp_path / "downloaded"
    from huggingface_hub import snapshot_download

    snapshot_download(REPO, repo_type="dataset", revision=TAG, local_dir=downloaded)
    texts = write_texts(tmp_path / "my-copies")
    assert main(["rehydrate", str(downloaded), "--texts", str(texts), "--out", str(tmp_path / "full")]) == 0
    assert "rehydrated:" in capsys.readouterr().out

    # ... and loads with peacetalks: from the rehydrated folder, and from the Hub with texts=
    from_folder = load("tokens", source=tmp_path / "full")
    from_hub = load("tokens", source=REPO, revision=TAG, texts=texts)
    for loaded in (from_folder, from_hub):
        rows = [row for split in loaded.values() for row in split]
        assert {row["doc_id"] for row in rows} == {DOC, DOC2}
        assert all(row["tokens"] is not None for row in rows)
    assert from_folder["train"].to_list() == from_hub["train"].to_list()

    # a training batch
    rows = [row for split in from_hub.values() for row in split]
    names = from_hub["train"].features["ner_tags"].feature.names
    assert names == seen["tag_names"]
    _batch_checks(rows, names)


def test_the_texts_are_fetched_from_each_url(
    hub: HubStandIn,
    site: PageServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The stranger's other way to the texts: ``peacetalks rehydrate RELEASE --fetch --out DIR``."""
    _point_at(hub, tmp_path, monkeypatch)
    # the team: the seed article twice, stand-off with the url of its page, and an open article
    corpus = write_fetch_corpus(tmp_path / "corpus", site, ("same", "changed"), open_article=True)
    release = build_release(corpus.root, "0.1.0", tmp_path / "dist")
    standoff = [doc_id("changed"), doc_id("same")]
    assert release.standoff == standoff
    publish_hub(release.folder, REPO)

    # the stranger, with datasets only: the stand-off tokens are null, and the card says how to fetch them
    seen = _as_stranger(hub, tmp_path)
    assert (seen["importable"], seen["imported"]) == (False, [])
    assert (seen["null_tokens"], seen["with_tokens"]) == (standoff, [OPEN.doc_id])
    card = seen["card"]
    assert "peacetalks rehydrate RELEASE --fetch --out DIR" in card
    assert 'texts="fetch")' in card
    assert all(f"| {corpus.urls[case]} |" in card for case in ("same", "changed"))

    # peacetalks from the Hub: fetching while loading fills in the page that did not change, and
    # refuses the one that did, naming it: its annotations need a re-base
    with pytest.raises(FetchFailed) as changed:
        load("tokens", source=REPO, revision=TAG, texts="fetch")
    assert changed.value.report.flatten(["doc_id", "code"]) == [[doc_id("changed"), "page-changed"]]

    # rehydrate --fetch re-bases it and says exactly what moved and what was dropped
    downloaded = tmp_path / "downloaded"
    from huggingface_hub import snapshot_download

    snapshot_download(REPO, repo_type="dataset", revision=TAG, local_dir=downloaded)
    assert main(["rehydrate", str(downloaded), "--fetch", "--out", str(tmp_path / "full")]) == 0
    err = capsys.readouterr().err
    assert f"re-based: {doc_id('changed')} ({corpus.urls['changed']}, from the cache)" in err
    assert f"fetched: {doc_id('same')} ({corpus.urls['same']}, from the cache)" in err
    assert "  dropped entities/" in err
    assert "  moved +" in err
    assert "gold entities: now in-progress, so no config takes it as complete" in err

    # peacetalks.load of the rehydrated release: every text there; the re-based article is no longer
    # complete gold (its page has a paragraph nobody annotated), so it is no training example
    tokens = load("tokens", source=tmp_path / "full")
    rows = [row for split in tokens.values() for row in split]
    assert {row["doc_id"] for row in rows} == {doc_id("same"), OPEN.doc_id}
    assert all(row["tokens"] is not None for row in rows)
    documents = load("documents", source=tmp_path / "full")
    by_doc = {row["doc_id"]: row for split in documents.values() for row in split}
    assert by_doc[doc_id("changed")]["text"] is not None
    names = tokens["train"].features["ner_tags"].feature.names
    assert names == seen["tag_names"]
    _batch_checks(rows, names)
