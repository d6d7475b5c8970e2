"""``peacetalks export``: one layer (gold by default) of the corpus in a training or annotation tool's format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from peacetalks.errors import InterchangeError
from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.brat import export_brat
from peacetalks.interchange.exporters.common import ExportResult, load_documents
from peacetalks.interchange.exporters.conll import export_conll
from peacetalks.interchange.exporters.jsonl import export_jsonl
from peacetalks.interchange.exporters.labelstudio import export_labelstudio
from peacetalks.interchange.exporters.spacy_docbin import export_spacy
from peacetalks.storage.layers import GOLD

Exporter = Callable[[list[Document], Path, str], ExportResult]

EXPORTERS: dict[str, Exporter] = {
    "brat": lambda docs, out, layer: export_brat(docs, out),
    "conll2003": lambda docs, out, layer: export_conll(docs, out, style="conll2003"),
    "germeval2014": lambda docs, out, layer: export_conll(docs, out, style="germeval2014"),
    "spacy": lambda docs, out, layer: export_spacy(docs, out),
    "label-studio": lambda docs, out, layer: export_labelstudio(docs, out, layer=layer),
    "jsonl": lambda docs, out, layer: export_jsonl(docs, out),
}

# brat writes a folder; every other format one file.
FOLDER_FORMATS = frozenset({"brat"})


def export(
    root: Path | str | None,
    fmt: str,
    out: Path | str,
    *,
    layer: str = GOLD,
    doc_ids: list[str] | None = None,
    all_articles: bool = False,
) -> ExportResult:
    """Export ``layer`` of the corpus at ``root`` to ``out`` in format ``fmt`` (see :data:`EXPORTERS`)."""
    if fmt not in EXPORTERS:
        raise InterchangeError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORTERS)}")
    target = Path(out)
    if fmt in FOLDER_FORMATS and target.exists() and not target.is_dir():
        raise InterchangeError(f"{target}: the {fmt} export writes a folder, and this is a file")
    if fmt not in FOLDER_FORMATS and target.is_dir():
        raise InterchangeError(f"{target}: the {fmt} export writes one file, and this is a folder")
    documents = load_documents(root, layer, doc_ids, all_articles=all_articles)
    return EXPORTERS[fmt](documents, target, layer)
