"""Reading a tool's file defensively: size and text limits, UTF-8 only, JSON and YAML, typed shapes.

Every importer and the mapping reader go through these helpers, so a hostile file fails the
same way in every format (a coded issue naming the file and the position), never with a
traceback:

* :data:`MAX_INPUT_BYTES`: a larger file is ``input-too-large`` (checked before reading it);
* every file is UTF-8 (a UTF-8 byte-order mark is allowed): another encoding is ``not-utf8``
  with the line and byte offset of the first bad byte; a UTF-16 or UTF-32 byte-order mark is
  named as such (UTF-16 is refused, not guessed, for XMI too);
* :data:`MAX_TEXT_CHARS`: no offset or text beyond it (``offset-too-large``), so a tiny file
  cannot make a huge text;
* JSON nested deeper than Python's parser goes, or holding a number too long to convert, is
  ``json-too-deep`` / ``offset-too-large`` instead of ``RecursionError`` / ``ValueError``;
* YAML with more than :data:`MAX_YAML_ALIASES` aliases is ``yaml-aliases`` (an alias bomb
  expands a few hundred bytes into megabytes);
* :func:`check_shape` checks a parsed record against a typed shape (pydantic, strict: a
  boolean is not a number, a float not an offset; see :data:`Offset`) and gives one issue per wrong field, with
  the field's path, what was expected and the value found (shown short by :func:`shown`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, StrictBool, StrictInt, StrictStr, TypeAdapter, ValidationError

from peacetalks.errors import shown
from peacetalks.interchange._json_lines import JsonLines
from peacetalks.interchange._problems import fail, problem
from peacetalks.storage.paths import check_path
from peacetalks.validation.report import Issue

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The largest file an import reads (64 MiB): a news article's export is a few hundred kB."""
MAX_TEXT_CHARS = 10_000_000
"""The largest offset, and the longest text, an importer accepts (an article is ~10,000 characters)."""
MAX_YAML_ALIASES = 20
"""How many YAML aliases (``*name``) a mapping file may use."""

_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian byte-order mark)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian byte-order mark)"),
    (b"\xff\xfe", "UTF-16 (little-endian byte-order mark)"),
    (b"\xfe\xff", "UTF-16 (big-endian byte-order mark)"),
)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused (``input-too-large``) above :data:`MAX_INPUT_BYTES` before reading it.

    A folder or a dangling symbolic link where the file should be is PathError (``not-a-file``,
    ``broken-symlink``) from :func:`peacetalks.storage.paths.check_path`.
    """
    check_path(path, "file", "a file to import")
    size = path.stat().st_size
    if size > MAX_INPUT_BYTES:
        fail(
            [
                problem(
                    "input-too-large",
                    str(path),
                    None,
                    f"the file has {size:,} bytes; an import reads at most {MAX_INPUT_BYTES:,} bytes per file",
                )
            ]
        )
    return path.read_bytes()


def check_utf8(data: bytes, file: str, *, code: str = "not-utf8") -> None:
    """Refuse bytes that are not UTF-8: the encoding a byte-order mark names, or the first bad byte."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            fail([problem(code, file, 1, f"the file is {name}, not UTF-8: save or export it as UTF-8")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        fail(
            [
                problem(
                    code,
                    file,
                    line,
                    f"not UTF-8 text: byte {data[exc.start]:#04x} at byte offset {exc.start} "
                    "(save or export it as UTF-8)",
                )
            ]
        )


def read_utf8(path: Path, *, code: str = "not-utf8", keep_bom: bool = False) -> str:
    """A file's text as UTF-8 (line ends kept; a UTF-8 BOM dropped unless ``keep_bom``); ImportFailed if not."""
    data = read_bytes(path)
    check_utf8(data, str(path), code=code)
    return data.decode("utf-8" if keep_bom else "utf-8-sig")


def load_json(
    text: str, file: str, line: int | None, code: str, *, lines: JsonLines | None = None
) -> tuple[Any, Issue | None]:
    """Parse one JSON value; on failure the value is None and the issue says why (``code`` for bad JSON).

    With ``lines``, the value is parsed through it, so it knows the line of each object.
    """
    try:
        return (json.loads(text) if lines is None else lines.loads(text)), None
    except json.JSONDecodeError as exc:
        where = line if line is not None else exc.lineno
        return None, problem(code, file, where, f"not JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return None, problem("json-too-deep", file, line, "JSON nested too deeply for Python's parser")
    except ValueError as exc:  # a number with more digits than int() converts
        message = f"a number too long to be an offset or id ({shown(str(exc), quote=False)})"
        return None, problem("offset-too-large", file, line, message)


class _CountingLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses a document with more than MAX_YAML_ALIASES aliases."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # PyYAML's untyped API
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise _TooManyAliases(self.line + 1)
        return super().compose_node(parent, index)


class _TooManyAliases(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def load_yaml(path: Path, *, code: str) -> Any:  # YAML holds any value
    """A UTF-8 YAML file's value; ImportFailed (``code``, ``yaml-aliases``, ``not-utf8``) if it cannot be read."""
    file = str(path)
    text = read_utf8(path)
    loader = _CountingLoader(text)
    try:
        return loader.get_single_data()
    except _TooManyAliases as exc:
        message = f"more than {MAX_YAML_ALIASES} YAML aliases (*name): refused, an alias bomb expands without bound"
        fail([problem("yaml-aliases", file, exc.line, message)], "the mapping file")
    except RecursionError:
        fail([problem(code, file, None, "YAML nested too deeply")], "the mapping file")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        fail([problem(code, file, line, shown(str(exc).splitlines()[0], quote=False))], "the mapping file")
    finally:
        loader.dispose()


_TAGS = {"name", "triple", "object", "str", "int", "float", "bool", "none", "constrained-int"}


def _field_path(loc: Sequence[int | str]) -> str:
    """``annotations[0].result[2].value``: the keys and indexes of ``loc``, without pydantic's branch names."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in _TAGS and "[" not in part and not part.startswith("function-"):
            out += f".{part}" if out else part
    return out or "(the record)"


def _type_name(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


Where = Callable[[Sequence[int | str]], tuple[int | None, str | None]]
"""The line and record id of the field at a path (e.g. :meth:`JsonLines.at` on the parsed file)."""


def check_shape(
    adapter: TypeAdapter[Any],
    value: object,
    *,
    file: str,
    line: int | None,
    code: str,
    record_id: str | None = None,
    prefix: Sequence[int | str] = (),
    where: Where | None = None,
) -> list[Issue]:
    """One issue per field of ``value`` that does not fit the typed shape ``adapter`` describes.

    Each issue's ``column`` is the field's path (``annotations[0].result[2].value.start``; ``value``
    sits at ``prefix`` in its file) and its message says what was expected and what was found.
    ``where`` gives each field's line and record id from its path; without it (or where it
    knows none) they are ``line`` and ``record_id``.
    """
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        expected: dict[str, list[str]] = {}  # a field path -> what its type allows (each branch of a union)
        found: dict[str, object] = {}
        locs: dict[str, tuple[int | str, ...]] = {}
        for err in exc.errors(include_url=False):
            loc = (*prefix, *err["loc"])
            path = _field_path(loc)
            allowed = err["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
            expected.setdefault(path, [])
            if allowed not in expected[path]:
                expected[path].append(allowed)
            found.setdefault(path, err.get("input"))
            locs.setdefault(path, loc)
        issues: list[Issue] = []
        for path, kinds in expected.items():
            at_line, at_id = where(locs[path]) if where is not None else (None, None)
            issues.append(
                Issue(
                    code=code,
                    file=file,
                    message=f"expected {' or '.join(kinds)}, found {_type_name(found[path])} {shown(found[path])}",
                    row=at_line if at_line is not None else line,
                    record_id=at_id if at_id is not None else record_id,
                    column=path,
                    value=shown(found[path], quote=False),
                )
            )
        return issues
    return []


# The scalar types of a shape: strict (no coercion of "5", 5.0 or true into 5), containers lax.
Offset = Annotated[StrictInt, Field(ge=0, le=MAX_TEXT_CHARS)]
"""An offset: an integer from 0 to :data:`MAX_TEXT_CHARS` (a boolean, a float or a string is not one)."""
Text = StrictStr
Flag = StrictBool
Id = StrictStr | StrictInt
"""A record's id: a string or an integer."""
