"""JSONL export: one line per article with its text and the layer's rows, ids kept.

Each line is ``{"doc_id", "text", "entities": [...], "events": [{..., "arguments": [...]}],
"stances": [...]}``; the fields of each item are the columns of its table.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from peacetalks.interchange.document import Document
from peacetalks.interchange.exporters.common import ExportResult, counts
from peacetalks.storage.parquet import write_text_atomic


def document_record(doc: Document) -> dict[str, Any]:
    arguments: dict[str, list[dict[str, Any]]] = {}
    for arg in doc.arguments:
        arguments.setdefault(arg.event_id, []).append(asdict(arg))
    return {
        "doc_id": doc.doc_id,
        "text": doc.text,
        "entities": [asdict(m) for m in doc.mentions],
        "events": [asdict(e) | {"arguments": arguments.get(e.event_id, [])} for e in doc.events],
        "stances": [asdict(s) for s in doc.stances],
    }


def export_jsonl(documents: list[Document], out: Path) -> ExportResult:
    lines = [json.dumps(document_record(d), ensure_ascii=False) + "\n" for d in documents]
    write_text_atomic(out, "".join(lines))
    return ExportResult("jsonl", out, [out], len(documents), counts(documents), [])
