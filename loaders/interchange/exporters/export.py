"""``peacetalks export``: one layer (gold by default) of the corpus in a training or annotation tool's format.

Every annotation tool we import from has an export (brat, Label Studio, INCEpTION's UIMA CAS XMI and
JSON and WebAnno TSV, doccano), written with the mapping file that imports it back, so export ->
import gives back the same layer, up to what the format can hold (the result's ``warnings``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl

from peacetalks.errors import InterchangeError, LoadError
from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.brat import export_brat
from peacetalks.interchange.exporters.common import ExportResult, Selection, select
from peacetalks.interchange.exporters.conll import export_conll
from peacetalks.interchange.exporters.doccano import export_doccano
from peacetalks.interchange.exporters.jsonl import export_jsonl
from peacetalks.interchange.exporters.labelstudio import Predictions, export_labelstudio
from peacetalks.interchange.exporters.spacy_docbin import export_spacy
from peacetalks.interchange.exporters.uima import export_uima
from peacetalks.interchange.exporters.webanno_tsv import export_webanno_tsv
from peacetalks.storage.layers import GOLD
from peacetalks.storage.machine import is_machine_layer, read_manifest, read_scores
from peacetalks.storage.paths import check_path
from peacetalks.storage.status import KINDS
from peacetalks.text.bio import DEFAULT_MENTION_TYPES, check_options

DocumentExporter = Callable[[list[Document], Path, str], ExportResult]
TokenExporter = Callable[[Selection, Path, str, Sequence[str]], ExportResult]

# Formats of annotated documents (every span, event and stance as it is).
DOCUMENT_EXPORTERS: dict[str, DocumentExporter] = {
    "brat": lambda docs, out, _layer: export_brat(docs, out),
    "label-studio": lambda docs, out, layer: export_labelstudio(docs, out, layer=layer),
    "jsonl": lambda docs, out, _layer: export_jsonl(docs, out),
    "uima-xmi": lambda docs, out, _layer: export_uima(docs, out),
    "uima-json": lambda docs, out, _layer: export_uima(docs, out, json=True),
    "webanno-tsv": lambda docs, out, _layer: export_webanno_tsv(docs, out),
    "doccano": lambda docs, out, _layer: export_doccano(docs, out),
}
# Token formats: tokens, sentences and BIO tags of the `tokens` config; the tag set is an option.
TOKEN_EXPORTERS: dict[str, TokenExporter] = {
    "conll2003": lambda sel, out, tagset, types: export_conll(
        sel, out, style="conll2003", tagset=tagset, mention_types=types
    ),
    "germeval2014": lambda sel, out, tagset, types: export_conll(
        sel, out, style="germeval2014", tagset=tagset, mention_types=types
    ),
    "spacy": lambda sel, out, tagset, types: export_spacy(sel, out, tagset=tagset, mention_types=types),
}
# The tag set a token format writes unless another is asked for.
DEFAULT_TAGSETS = {"conll2003": "conll2003", "germeval2014": "germeval2014", "spacy": "peacetalks"}
FORMATS = (
    "brat",
    "conll2003",
    "germeval2014",
    "spacy",
    "label-studio",
    "jsonl",
    "uima-xmi",
    "uima-json",
    "webanno-tsv",
    "doccano",
)

# These write a folder (a file per article and the files to read it back); every other format one file.
FOLDER_FORMATS = frozenset({"brat", "uima-xmi", "uima-json", "webanno-tsv"})


def export(
    root: Path | str | None,
    fmt: str,
    out: Path | str,
    *,
    layer: str = GOLD,
    doc_ids: list[str] | None = None,
    all_articles: bool = False,
    tagset: str | None = None,
    mention_types: Sequence[str] | None = None,
) -> ExportResult:
    """Export ``layer`` of the corpus at ``root`` to ``out`` in format ``fmt`` (one of :data:`FORMATS`).

    ``tagset`` and ``mention_types`` are the ``tokens`` config's options and apply to the token
    formats only (:data:`TOKEN_EXPORTERS`; the default tag set is the format's own,
    :data:`DEFAULT_TAGSETS`); for the other formats, which keep every annotation as it is, giving
    either is an error.
    """
    if fmt not in FORMATS:
        raise InterchangeError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if fmt not in TOKEN_EXPORTERS and (tagset is not None or mention_types is not None):
        raise InterchangeError(
            f"the {fmt} export keeps every annotation as it is and takes no tag set or mention types; "
            f"they apply to {', '.join(TOKEN_EXPORTERS)}"
        )
    types = tuple(DEFAULT_MENTION_TYPES if mention_types is None else mention_types)
    if fmt in TOKEN_EXPORTERS:
        try:
            check_options(tagset or DEFAULT_TAGSETS[fmt], types)
        except LoadError as exc:
            raise InterchangeError(exc.message, code=exc.code) from None
    target = check_path(out, "folder" if fmt in FOLDER_FORMATS else "file", f"the {fmt} export's output")
    # A token format holds the entity tags only: only articles whose entities are complete.
    kinds = ("entities",) if fmt in TOKEN_EXPORTERS else KINDS
    selection = select(root, layer, doc_ids, all_articles=all_articles, kinds=kinds)
    if fmt in TOKEN_EXPORTERS:
        return TOKEN_EXPORTERS[fmt](selection, target, tagset or DEFAULT_TAGSETS[fmt], types)
    if fmt == "label-studio" and is_machine_layer(selection.folder, layer):
        return export_labelstudio(
            selection.documents(), target, layer=layer, predictions=_predictions(selection, layer)
        )
    return DOCUMENT_EXPORTERS[fmt](selection.documents(), target, layer)


def _predictions(selection: Selection, layer: str) -> Predictions:
    """A machine layer's suggester and the scores of the suggestions of the selected articles."""
    manifest = read_manifest(selection.folder, layer)
    if manifest is None:  # pragma: no cover - the caller checked it is a machine layer
        raise InterchangeError(f"layer {layer!r} is not a machine layer")
    kept = selection.articles.get_column("doc_id").implode()
    scores = read_scores(selection.folder, layer).filter(pl.col("doc_id").is_in(kept))
    keyed = scores.select("doc_id", "kind", "item_id", "score").iter_rows()
    return Predictions(manifest.model_version, {(d, k, i): float(s) for d, k, i, s in keyed})
