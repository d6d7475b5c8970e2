"""Well-shaped exports of the tiny test article (tests/conftest.py) in every import format, to mutate.

Each builder returns plain Python data (a Label Studio task, a doccano record, brat lines, ...)
so a test or a hypothesis strategy can change one field and write the file with :func:`write`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import cassis

from tests.conftest import DOC, TEXT

NE_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"


def label_studio_task() -> dict[str, Any]:
    """One task with two labelled regions, a per-region choice and a relation."""
    return {
        "id": 1,
        "data": {"text": TEXT, "doc_id": DOC},
        "annotations": [
            {
                "completed_by": 7,
                "was_cancelled": False,
                "result": [
                    {"id": "r1", "type": "labels", "from_name": "label", "value": _region(0, 5, "PER")},
                    {"id": "r2", "type": "labels", "from_name": "label", "value": _region(23, 28, "PER")},
                    {"id": "r1", "type": "choices", "from_name": "form", "value": {"choices": ["NAME"]}},
                    {"id": "r2", "type": "choices", "from_name": "form", "value": {"choices": ["NAME"]}},
                ],
            }
        ],
    }


def _region(start: int, end: int, label: str) -> dict[str, Any]:
    return {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]}


def doccano_record() -> dict[str, Any]:
    return {"id": DOC, "text": TEXT, "label": [[0, 5, "PER"], [23, 28, "PER"]], "relations": [], "cats": []}


def brat_lines() -> list[str]:
    return ["T1\tPER 0 5\tTrump", "A1\tform T1 NAME", "T2\tPER 23 28\tPutin", "A2\tform T2 NAME"]


def webanno_lines() -> list[str]:
    """A TSV 3.3 file of the article (two sentences) with two named entities."""
    return [
        "#FORMAT=WebAnno TSV 3.3",
        f"#T_SP={NE_TYPE}|value",
        "",
        "",
        "#Text=Trump telefonierte mit Putin.",
        "1-1\t0-5\tTrump\tPER\t",
        "1-2\t6-18\ttelefonierte\t_\t",
        "1-3\t19-22\tmit\t_\t",
        "1-4\t23-28\tPutin\tPER\t",
        "1-5\t28-29\t.\t_\t",
        "",
        "#Text=Der Kreml bestätigte das Telefonat.",
        "2-1\t30-33\tDer\t_\t",
        "2-2\t34-39\tKreml\t_\t",
        "2-3\t40-50\tbestätigte\t_\t",
        "2-4\t51-54\tdas\t_\t",
        "2-5\t55-64\tTelefonat\t_\t",
        "2-6\t64-65\t.\t_\t",
    ]


def cas() -> cassis.Cas:
    ts = cassis.TypeSystem()
    ne = ts.create_type(NE_TYPE, supertypeName="uima.tcas.Annotation")
    ts.create_feature(ne, "value", "uima.cas.String")
    made = cassis.Cas(typesystem=ts)
    made.sofa_string = TEXT
    made.add(ne(begin=0, end=5, value="PER"))
    return made


def uima_json() -> dict[str, Any]:
    value: dict[str, Any] = json.loads(cas().to_json())
    return value


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_brat(folder: Path, lines: list[str] | str, *, name: str = DOC, text: str = TEXT) -> Path:
    ann = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
    write(folder / f"{name}.txt", text)
    return write(folder / f"{name}.ann", ann)


def write_xmi(folder: Path, *, encoding: str = "utf-8") -> Path:
    made = cas()
    write(folder / "TypeSystem.xml", made.typesystem.to_xml())
    xmi = made.to_xmi()
    if encoding != "utf-8":
        xmi = xmi.replace("encoding='UTF-8'", f"encoding='{encoding.upper()}'")
    return write(folder / f"{DOC}.xmi", xmi.encode(encoding))


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with the sha256 of its content: what a failed import must leave as it was."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }
