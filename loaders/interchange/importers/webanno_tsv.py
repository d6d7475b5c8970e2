"""WebAnno TSV 3.x (INCEpTION's TSV export) read into :class:`ToolDocument` by our own parser.

The format, as documented by INCEpTION/WebAnno:

* ``#FORMAT=WebAnno TSV 3.x`` first; then one header per layer: ``#T_SP=type|feature|...``
  (span layer), ``#T_RL=type|feature|...|BT_basetype`` (relation layer: the last column of
  the layer is the governor's address), ``#T_CH=type|feature|...`` (chain layer). A span
  feature ``ROLE_host:links_linktype`` followed by the link target type is a slot (link)
  feature and takes two columns: roles and targets.
* Sentences: ``#Text=`` lines (one per line of the sentence text; ``\\t`` etc. escaped), then
  one row per token ``S-T<TAB>BEGIN-END<TAB>form<TAB>columns...``; sub-token rows ``S-T.k``
  carry spans that do not follow token boundaries (also zero-width ones).
* A cell is ``_`` (nothing), or ``|``-separated stacked values; ``*`` is an annotation
  without a value; ``[n]`` identifies an annotation spanning several rows (also across
  sentences); relation references read ``S-T`` or ``S-T[gov_dep]``, slot targets
  ``S-T`` or ``S-T[n]``. Backslash escapes ``\\* \\\\ \\[ \\] \\| \\_ \\; \\-> \\t \\n``.

Offsets are UTF-16 code units and are converted to code points. The text between sentences
is not in the file: it is filled with spaces and recorded in ``ToolDocument.gaps``; matching
accepts any whitespace of the article there. Labels and attributes follow the UIMA rule (the
``value`` feature, else the first feature with a value, else the type's short name). The
structural and linguistic DKPro layers (tokens, POS, lemma, dependencies) are skipped, as in
the UIMA importer; chains become spans linked by relations between consecutive elements.

Problems: ``webanno-tsv-unsupported-version`` (e.g. the legacy TSV 2 layout: the file is not
read), ``webanno-tsv-malformed-line``, ``webanno-tsv-unknown-reference``, ``webanno-tsv-text-mismatch``,
returned with what could be read. A malformed token row is skipped; a reference to its address
is not reported again.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from peacetalks.errors import shown
from peacetalks.interchange._input import MAX_TEXT_CHARS, read_utf8
from peacetalks.interchange._problems import collect, fail_on, problem
from peacetalks.interchange.document import AttrValue, ToolDocument, ToolEvent, ToolRelation, ToolSpan
from peacetalks.interchange.importers._offsets import utf16_to_codepoints
from peacetalks.interchange.importers.uima import SKIPPED_PREFIXES
from peacetalks.validation.report import Issue

_FORMAT = re.compile(r"^#FORMAT=WebAnno TSV (?P<version>[0-9]+(?:\.[0-9]+)*)\s*$")
_ROW = re.compile(r"^(?P<addr>[0-9]+-[0-9]+(?:\.[0-9]+)?)\t(?P<begin>[0-9]+)-(?P<end>[0-9]+)\t")
_ITEM_ID = re.compile(r"^(?P<value>.*?)(?:\[(?P<id>[0-9]+(?:_[0-9]+)?)\])?$", re.DOTALL)
_REF = re.compile(r"^(?P<addr>[0-9]+-[0-9]+(?:\.[0-9]+)?)(?:\[(?P<id>[0-9]+(?:_[0-9]+)?)\])?$")
_ESCAPES = {"\\t": "\t", "\\n": "\n", "\\r": "\r"}


@dataclass
class _Layer:
    kind: str  # SP, RL, CH
    type: str
    features: list[str]
    slots: list[int] = field(default_factory=list)  # indexes of ROLE_ features (two columns each)
    base: str | None = None

    @property
    def width(self) -> int:
        return len(self.features) + len(self.slots) + (1 if self.kind == "RL" else 0)

    @property
    def skipped(self) -> bool:
        return self.type.startswith(SKIPPED_PREFIXES)

    @property
    def short(self) -> str:
        return self.type.rsplit(".", 1)[-1]


@dataclass
class _Row:
    addr: str
    begin: int
    end: int
    form: str
    cells: list[str]
    line: int


def _split(cell: str, sep: str) -> list[str]:
    """Split on ``sep`` where it is not escaped by a backslash."""
    parts, cur, i = [], [], 0
    while i < len(cell):
        ch = cell[i]
        if ch == "\\" and i + 1 < len(cell):
            cur.append(cell[i : i + 2])
            i += 2
            continue
        if cell.startswith(sep, i):
            parts.append("".join(cur))
            cur = []
            i += len(sep)
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            pair = value[i : i + 2]
            if pair in _ESCAPES:
                out.append(_ESCAPES[pair])
            elif value.startswith("\\->", i):
                out.append("->")
                i += 3
                continue
            else:
                out.append(value[i + 1])
            i += 2
            continue
        out.append(value[i])
        i += 1
    return "".join(out)


def _raw_items(cell: str) -> list[tuple[str, str | None]]:
    """``(escaped value, id)`` per stacked item of a cell; [] for ``_``."""
    if cell in ("_", ""):
        return []
    out: list[tuple[str, str | None]] = []
    for item in _split(cell, "|"):
        m = _ITEM_ID.match(item)
        raw, ident = (m["value"], m["id"]) if m else (item, None)
        if ident is not None and raw.endswith("\\") and not raw.endswith("\\\\"):
            raw, ident = item, None  # an escaped "[" belongs to the value
        out.append((raw, ident))
    return out


def _items(cell: str) -> list[tuple[str | None, str | None]]:
    """``(value, id)`` per stacked item of a cell; value None for ``*``; [] for ``_``."""
    return [(None if raw == "*" else unescape(raw), ident) for raw, ident in _raw_items(cell)]


def _parse_header(line: str) -> _Layer:
    kind, spec = line[3:5], line[6:]
    parts = spec.split("|")
    layer_type, names = parts[0], [p for p in parts[1:]]
    if kind == "RL":
        base = names[-1][3:] if names and names[-1].startswith("BT_") else None
        return _Layer(kind, layer_type, [n for n in names if not n.startswith("BT_")], base=base)
    features: list[str] = []
    slots: list[int] = []
    skip_next = False
    for name in names:
        if skip_next:
            skip_next = False
            continue
        if name.startswith("ROLE_"):
            slots.append(len(features))
            features.append(name)
            skip_next = True
        else:
            features.append(name)
    if not features:
        features = [""]
    return _Layer(kind, layer_type, features, slots)


def parse_webanno_tsv(path: Path) -> list[ToolDocument]:
    """Read one WebAnno TSV 3.x file; raises ImportFailed listing every problem."""
    docs, issues = read_webanno_tsv(path)
    fail_on(issues, f"WebAnno TSV import of {path}")
    return docs


def read_webanno_tsv(path: Path) -> tuple[list[ToolDocument], list[Issue]]:
    """The document of a WebAnno TSV 3.x file and every problem of it (none read for another version)."""
    file = str(path)
    issues: list[Issue] = []
    content = collect(issues, lambda: read_utf8(path))
    if content is None:
        return [], issues
    lines = content.split("\n")
    first = lines[0].rstrip("\r") if lines else ""
    m = _FORMAT.match(first)
    if m is None or not m["version"].startswith("3"):
        found = m["version"] if m else shown(first[:40])
        message = f"expected '#FORMAT=WebAnno TSV 3.x', found {found} (export as WebAnno TSV 3.3)"
        return [], [problem("webanno-tsv-unsupported-version", file, 1, message)]
    layers: list[_Layer] = []
    sentences: list[tuple[list[str], list[_Row]]] = []
    broken: set[str] = set()  # addresses of token rows that could not be read
    for lineno, raw in enumerate(lines[1:], start=2):
        line = raw.rstrip("\r")
        if line.startswith(("#T_SP=", "#T_RL=", "#T_CH=")):
            layers.append(_parse_header(line))
        elif line.startswith("#Text="):
            if not sentences or sentences[-1][1]:
                sentences.append(([], []))
            sentences[-1][0].append(unescape(line[6:]))
        elif line.startswith("#"):
            continue  # #Sentence.id= and other sentence metadata
        elif line.strip():
            row = _parse_row(line, lineno, layers, file, issues)
            if row is None:
                broken.add(line.split("\t", 1)[0])
                continue
            if not sentences:
                issues.append(problem("webanno-tsv-malformed-line", file, lineno, "token row before any #Text= line"))
                continue
            sentences[-1][1].append(row)
    doc = _build(path, layers, sentences, issues, broken)
    return [doc], issues


def _parse_row(line: str, lineno: int, layers: list[_Layer], file: str, issues: list[Issue]) -> _Row | None:
    m = _ROW.match(line)
    fields = line.split("\t")
    width = 3 + sum(layer.width for layer in layers)
    if fields and fields[-1] == "" and len(fields) == width + 1:
        fields = fields[:-1]
    if m is None or len(fields) != width:
        issues.append(
            problem(
                "webanno-tsv-malformed-line",
                file,
                lineno,
                f"expected 'S-T<TAB>BEGIN-END<TAB>form' and {width - 3} annotation column(s), "
                f"found {len(fields)} field(s)",
                record_id=m["addr"] if m is not None else None,
            )
        )
        return None
    offsets = (m["begin"], m["end"])
    if any(len(o) > len(str(MAX_TEXT_CHARS)) or int(o) > MAX_TEXT_CHARS for o in offsets):
        issues.append(
            problem(
                "offset-too-large",
                file,
                lineno,
                f"token offsets {shown(m['begin'])}-{shown(m['end'])} are beyond the limit of {MAX_TEXT_CHARS:,}",
            )
        )
        return None
    return _Row(m["addr"], int(m["begin"]), int(m["end"]), fields[2], fields[3:], lineno)


def _build(
    path: Path,
    layers: list[_Layer],
    sentences: list[tuple[list[str], list[_Row]]],
    issues: list[Issue],
    broken: set[str],
) -> ToolDocument:
    file = str(path)
    pieces: list[str] = []
    units = 0
    gaps_units: list[tuple[int, int]] = []
    for text_lines, rows in sentences:
        if not rows:
            continue
        begin = min(r.begin for r in rows)
        sentence = "\n".join(text_lines)
        if begin < units:
            issues.append(
                problem(
                    "webanno-tsv-malformed-line",
                    file,
                    rows[0].line,
                    f"sentence starts at {begin}, before the previous one ends ({units})",
                )
            )
            continue
        if begin > units:
            gaps_units.append((units, begin))
            pieces.append(" " * (begin - units))
        pieces.append(sentence)
        units = begin + len(sentence.encode("utf-16-le")) // 2
    text = "".join(pieces)
    conv = utf16_to_codepoints(text)
    doc = ToolDocument(doc_id=path.stem, text=text, source=file)
    doc.gaps = [(conv(a), conv(b)) for a, b in gaps_units]
    rows = [r for _, rs in sentences for r in rs]
    for r in rows:
        r.begin, r.end = conv(r.begin), conv(r.end)
        if text[r.begin : r.end] != r.form and unescape(r.form) != text[r.begin : r.end]:
            issues.append(
                problem(
                    "webanno-tsv-text-mismatch",
                    file,
                    r.line,
                    f"token {r.addr} at {r.begin}-{r.end} covers {shown(text[r.begin : r.end])} "
                    f"but the row says {shown(r.form)}",
                    record_id=r.addr,
                )
            )
    _annotations(doc, layers, rows, issues, broken)
    return doc


@dataclass
class _Ann:
    ident: str
    layer: _Layer
    start: int
    end: int
    line: int
    values: dict[str, str] = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)


def _annotations(
    doc: ToolDocument, layers: list[_Layer], rows: list[_Row], issues: list[Issue], broken: set[str]
) -> None:
    """Spans, events (slots) and relations of the rows; a reference to a broken row is not reported again."""
    by_addr = {r.addr: r for r in rows}
    anns: dict[tuple[int, str], _Ann] = {}
    at_row: dict[tuple[int, str], list[_Ann]] = {}
    pending: list[tuple[int, _Layer, _Row, str | None, list[str]]] = []  # relations
    col = 0
    for li, layer in enumerate(layers):
        for r in rows:
            cells = r.cells[col : col + layer.width]
            if layer.skipped:
                continue
            if layer.kind == "RL":
                for k, (gov, _) in enumerate(_items(cells[-1])):
                    values = [(_items(c)[k][0] if k < len(_items(c)) else None) or "" for c in cells[:-1]]
                    pending.append((li, layer, r, gov, values))
                continue
            _span_cells(li, layer, r, cells, anns, at_row)
        col += layer.width
    for key, ann in anns.items():
        label, attrs = _label(ann)
        sid = f"{key[0]}:{ann.ident}"
        doc.spans.append(ToolSpan(sid, label, ((ann.start, ann.end),), attributes=attrs, line=ann.line))
        if ann.layer.slots and ann.links:
            args = []
            for role, target in ann.links:
                ref = _resolve(target, anns, at_row, layers, ann.layer)
                if ref is None and _address(target) not in broken:
                    issues.append(
                        problem(
                            "webanno-tsv-unknown-reference",
                            doc.source,
                            ann.line,
                            f"slot target {shown(target)} names no annotation",
                        )
                    )
                elif ref is not None:
                    args.append((role, ref))
            doc.events.append(ToolEvent(sid, label, sid, arguments=args, line=ann.line))
    _chain_relations(doc, anns)
    for li, layer, r, gov, values in pending:
        found: list[Issue] = []
        _relation(doc, li, layer, r, gov, values, anns, at_row, layers, by_addr, found)
        if _address(gov or "") not in broken:
            issues.extend(found)


def _address(ref: str) -> str:
    """The token address of a reference (``1-3`` of ``1-3[2_5]``)."""
    m = _REF.match(ref)
    return m["addr"] if m else ref


def _span_cells(
    li: int,
    layer: _Layer,
    r: _Row,
    cells: list[str],
    anns: dict[tuple[int, str], _Ann],
    at_row: dict[tuple[int, str], list[_Ann]],
) -> None:
    if layer.kind == "CH":
        _chain_cells(li, layer, r, cells, anns, at_row)
        return
    columns: list[tuple[str, str, str | None]] = []  # feature, cell, slot target cell
    c = 0
    for fi, feature in enumerate(layer.features):
        if fi in layer.slots:
            columns.append((feature, cells[c], cells[c + 1]))
            c += 2
        else:
            columns.append((feature, cells[c], None))
            c += 1
    stacks = [_raw_items(cell) for _, cell, _ in columns]
    depth = max((len(st) for st in stacks), default=0)
    for k in range(depth):
        ident = next((st[k][1] for st in stacks if k < len(st) and st[k][1]), None)
        ann = _annotation(li, layer, r, ident if ident is not None else f"{r.addr}.{k}", anns, at_row)
        for (feature, _, slot_cell), stack in zip(columns, stacks, strict=True):
            if k >= len(stack):
                continue
            raw = stack[k][0]
            if slot_cell is not None:
                # A host's slots are repeated on every row it covers (INCEpTION writes them so):
                # each row sets them, as INCEpTION's reader does, so a multi-row host has them once.
                targets = _split(slot_cell, "|")
                target_cell = targets[k] if k < len(targets) else "_"
                ann.links = [
                    ("" if role == "*" else unescape(role), target)
                    for role, target in zip(_split(raw, ";"), _split(target_cell, ";"), strict=False)
                    if raw != "_" and target not in ("", "_", "*")
                ]
            elif raw != "*" and feature:
                ann.values.setdefault(feature, unescape(raw))


def _annotation(
    li: int,
    layer: _Layer,
    r: _Row,
    ident: str,
    anns: dict[tuple[int, str], _Ann],
    at_row: dict[tuple[int, str], list[_Ann]],
) -> _Ann:
    key = (li, ident)
    ann = anns.get(key)
    if ann is None:
        ann = _Ann(ident, layer, r.begin, r.end, r.line)
        anns[key] = ann
    else:
        ann.start, ann.end = min(ann.start, r.begin), max(ann.end, r.end)
    at_row.setdefault((li, r.addr), []).append(ann)
    return ann


_CHAIN_LINK = re.compile(r"^(?P<value>.*)->(?P<chain>[0-9]+)-(?P<link>[0-9]+)$", re.DOTALL)


def _chain_cells(
    li: int,
    layer: _Layer,
    r: _Row,
    cells: list[str],
    anns: dict[tuple[int, str], _Ann],
    at_row: dict[tuple[int, str], list[_Ann]],
) -> None:
    """Chain layers: the relation column holds ``value->chain-link``, the type column ``value[chain]``."""
    links = _raw_items(cells[0])
    types = _raw_items(cells[1]) if len(cells) > 1 else []
    for k, (raw, _) in enumerate(links):
        m = _CHAIN_LINK.match(raw)
        if m is None:
            continue
        ann = _annotation(li, layer, r, f"chain{m['chain']}-{m['link']}", anns, at_row)
        if m["value"] != "*":
            ann.values.setdefault("referenceRelation", unescape(m["value"]))
        if k < len(types) and types[k][0] != "*":
            ann.values.setdefault("value", unescape(types[k][0]))


def _label(ann: _Ann) -> tuple[str, dict[str, AttrValue]]:
    chain = ann.layer.kind == "CH"
    values: dict[str, AttrValue] = {
        k: v for k, v in ann.values.items() if not k.startswith("ROLE_") and not (chain and k == "referenceRelation")
    }
    if "value" in values:
        label = str(values.pop("value"))
        return label, values
    for feature in ann.layer.features:
        if feature in values:
            return str(values.pop(feature)), values
    return ann.layer.short, values


def _resolve(
    ref: str,
    anns: dict[tuple[int, str], _Ann],
    at_row: dict[tuple[int, str], list[_Ann]],
    layers: list[_Layer],
    host: _Layer,
) -> str | None:
    m = _REF.match(ref)
    if m is None:
        return None
    addr, ident = m["addr"], m["id"]
    candidates = [li for li, layer in enumerate(layers) if layer.kind == "SP" and not layer.skipped]
    for li in candidates:
        if ident is not None and (li, ident) in anns:
            return f"{li}:{anns[(li, ident)].ident}"
    for li in candidates:
        here = [a for a in at_row.get((li, addr), []) if a.layer is not host]
        if here:
            return f"{li}:{here[0].ident}"
    return None


def _relation(
    doc: ToolDocument,
    li: int,
    layer: _Layer,
    r: _Row,
    gov: str | None,
    values: list[str],
    anns: dict[tuple[int, str], _Ann],
    at_row: dict[tuple[int, str], list[_Ann]],
    layers: list[_Layer],
    by_addr: dict[str, _Row],
    issues: list[Issue],
) -> None:
    if gov is None:
        return
    gov_addr = gov
    ids: list[str] = []
    m = _REF.match(gov)
    if m and m["id"]:
        gov_addr, ids = m["addr"], m["id"].split("_")

    def endpoint(addr: str, ident: str | None) -> str | None:
        base = next((k for k, lay in enumerate(layers) if lay.type == layer.base and lay.kind == "SP"), None)
        if base is not None and ident is not None and ident != "0" and (base, ident) in anns:
            return f"{base}:{anns[(base, ident)].ident}"
        if base is not None and at_row.get((base, addr)):
            return f"{base}:{at_row[(base, addr)][0].ident}"
        row = by_addr.get(addr)
        if row is None:
            return None
        sid = f"token:{addr}"
        if not any(s.id == sid for s in doc.spans):
            short = (layer.base or "Token").rsplit(".", 1)[-1]
            doc.spans.append(ToolSpan(sid, short, ((row.begin, row.end),), line=row.line))
        return sid

    source = endpoint(gov_addr, ids[0] if ids else None)
    target = endpoint(r.addr, ids[1] if len(ids) > 1 else None)
    if source is None or target is None:
        issues.append(
            problem("webanno-tsv-unknown-reference", doc.source, r.line, f"governor {shown(gov)} names no token")
        )
        return
    named = [v for v in values if v]
    label = next(
        (v for f, v in zip(layer.features, values, strict=False) if f == "value" and v),
        named[0] if named else layer.short,
    )
    attrs: dict[str, AttrValue] = {f: v for f, v in zip(layer.features, values, strict=False) if v and v != label}
    doc.relations.append(ToolRelation(f"{li}:{r.addr}:{len(doc.relations)}", label, source, target, attrs, line=r.line))


def _chain_relations(doc: ToolDocument, anns: dict[tuple[int, str], _Ann]) -> None:
    chains: dict[tuple[int, str], list[tuple[int, _Ann]]] = {}
    for (li, ident), ann in anns.items():
        m = re.match(r"^chain([0-9]+)-([0-9]+)$", ident)
        if ann.layer.kind == "CH" and m:
            chains.setdefault((li, m[1]), []).append((int(m[2]), ann))
    for (li, _), members in sorted(chains.items()):
        members.sort(key=lambda x: x[0])
        for (_, a), (_, b) in itertools.pairwise(members):
            label = a.values.get("referenceRelation") or a.layer.short
            doc.relations.append(
                ToolRelation(f"{li}:{a.ident}->{b.ident}", label, f"{li}:{a.ident}", f"{li}:{b.ident}", line=a.line)
            )
