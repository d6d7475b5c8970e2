"""A brat export of the tiny test article (tests/conftest.py), in the scheme's own names."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import DOC, TEXT

ANN = "\n".join(
    [
        "T1\tPER 0 5\tTrump",
        "T2\tPER 23 28\tPutin",
        "T3\tCONSULT 6 18\ttelefonierte",
        "E1\tCONSULT:T3 ACTOR:T1 ACTOR2:T2",
        "A1\tmode E1 phone",
        "A2\tcontext E1 diplomatic",
        "T4\tORG 30 39\tDer Kreml",
        "A3\tform T4 NAME",
        "A4\tform T1 NAME",
        "A5\tform T2 NAME",
        "#1\tAnnotatorNotes T4\tder Kreml als Akteur",
        "",
    ]
)


def write_brat(folder: Path, ann: str = ANN, text: str = TEXT, name: str = DOC) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8", newline="")
    return folder / f"{name}.ann"
