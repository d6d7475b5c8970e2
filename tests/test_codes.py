"""The registry of codes (``peacetalks.codes``) and the code in use agree, and the README's tables come from it.

The package is scanned with ``ast`` for the codes it reports. A code is in *code position* when it is

- the value of a keyword argument ``code=`` (or ``*_code=``) of any call (``Issue(code=...)``, ...),
- the first positional argument of a call to an error class whose first parameter is ``code``
  (``LoadError("unknown-split", ...)``), or of a helper that forwards its first argument as a code
  (``problem``, ``issue``, ``_bad``),
- the default of a parameter named ``code`` (or ``*_code``),
- the value of an assignment to a name ``code``: a literal, the branches of ``x if c else y``, the values
  of a dict literal and the default of ``.get()`` (``code = {412: "parent-moved"}.get(status, "hub-error")``),
- any kebab-case string of a module that keeps codes in tables (the pandera check -> code tables).

A code in code position that is not a string literal must be a name ``code``/``*_code`` (a parameter
passed on, whose callers are scanned) or an attribute ``.code`` (an existing error's code passed on):
an f-string or any other computed code fails, because no scan could check it.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field

import pytest

import peacetalks.errors
from peacetalks import codes
from peacetalks.cli import _errors as cli_errors
from tests.conftest import PROJECT

SOURCES = [*sorted((PROJECT / "loaders").rglob("*.py")), *sorted((PROJECT / "schema").rglob("*.py"))]
FORWARDERS = {"problem", "issue", "_bad"}  # helpers whose first argument is a code they pass on
TABLE_MODULES = {"loaders/validation/checks/table_schema.py"}  # modules that map pandera checks to codes
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MULTI = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")


def _code_first_classes() -> set[str]:
    """The error classes whose constructor takes the code as its first argument."""
    found = set()
    for name, obj in vars(peacetalks.errors).items():
        if isinstance(obj, type) and issubclass(obj, peacetalks.errors.PeaceTalksError):
            params = list(inspect.signature(obj.__init__).parameters)
            if params[1:2] == ["code"]:
                found.add(name)
    return found


CODE_FIRST = _code_first_classes() | FORWARDERS


def _is_code_name(name: str) -> bool:
    return name == "code" or name.endswith("_code")


def _passed_on(node: ast.expr) -> bool:
    """A parameter ``code`` passed on, or a declared code: an error's ``.code``, a reference's ``.other_doc_code``."""
    return (isinstance(node, ast.Name) and _is_code_name(node.id)) or (
        isinstance(node, ast.Attribute) and _is_code_name(node.attr)
    )


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


@dataclass
class Scan:
    used: dict[str, list[str]] = field(default_factory=dict)  # code -> "file:line" where it is used
    computed: list[str] = field(default_factory=list)  # "file:line: source" of codes no scan can check

    def literal(self, node: ast.expr, where: str) -> None:
        """Record a code-position expression: a literal, a passed-on name/attribute, or a computed code."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.used.setdefault(node.value, []).append(where)
        elif not _passed_on(node):
            self.computed.append(f"{where}: {ast.unparse(node)}")

    def assigned(self, node: ast.expr, where: str) -> None:
        """The codes an expression assigned to ``code`` can take: a literal, the branches of ``a if c else b``,
        the values of a dict literal and the default of ``.get()`` on it; anything else is passed on or computed."""
        if isinstance(node, ast.IfExp):
            self.assigned(node.body, where)
            self.assigned(node.orelse, where)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            if isinstance(node.func.value, ast.Dict):
                for value in node.func.value.values:
                    self.assigned(value, where)
            for default in node.args[1:]:
                self.assigned(default, where)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.used.setdefault(node.value, []).append(where)
        elif isinstance(node, ast.JoinedStr):
            self.computed.append(f"{where}: {ast.unparse(node)}")
        # anything else (a lookup in a table module, or a variable that is not an error code) is not a literal


def scan() -> Scan:
    found = Scan()
    for path in SOURCES:
        rel = path.relative_to(PROJECT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg is not None and _is_code_name(kw.arg):
                        found.literal(kw.value, where)
                if _callee(node) in CODE_FIRST and node.args:
                    found.literal(node.args[0], where)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                positional = [*args.posonlyargs, *args.args]
                pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
                pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
                for arg, default in pairs:
                    if _is_code_name(arg.arg):
                        found.literal(default, where)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if node.value is not None and any(isinstance(t, ast.Name) and _is_code_name(t.id) for t in targets):
                    found.assigned(node.value, where)
            elif rel in TABLE_MODULES and isinstance(node, ast.Constant) and MULTI.match(str(node.value)):
                found.used.setdefault(str(node.value), []).append(where)
    return found


SCAN = scan()


def test_the_scan_finds_codes_of_every_kind_of_site() -> None:
    """The scan itself works: a keyword code, a first-argument code, a default, an assignment, a table."""
    for code, site in [
        ("span-out-of-bounds", "validation/checks/spans.py"),  # issues_from(code=...)
        ("unknown-split", "loading/frames.py"),  # LoadError("unknown-split", ...)
        ("brat-missing-text", "interchange/importers/brat.py"),  # problem("brat-missing-text", ...)
        ("not-utf8", "interchange/_input.py"),  # def read_utf8(..., code="not-utf8")
        ("hub-error", "release/publish.py"),  # code = {...}.get(status, "hub-error")
        ("malformed-sha256", "validation/checks/table_schema.py"),  # the pandera override table
    ]:
        assert any(site in where for where in SCAN.used.get(code, [])), code


def test_no_code_is_computed_at_run_time() -> None:
    """Every code in code position is a literal, or a code passed on; never an f-string."""
    assert SCAN.computed == []


def test_every_code_in_use_is_registered() -> None:
    unregistered = {code: where for code, where in SCAN.used.items() if code not in codes.CODES}
    assert unregistered == {}


def test_every_registered_code_is_used() -> None:
    assert sorted(set(codes.CODES) - set(SCAN.used)) == []


def test_codes_are_kebab_case_with_a_known_group_and_a_meaning() -> None:
    for code in codes.CODES.values():
        assert KEBAB.match(code.name), code.name
        assert code.group in (*codes.VALIDATION_GROUPS, *codes.OTHER_GROUPS), code
        assert code.kinds, code
        assert code.meaning, code


def test_validation_codes_are_issues_and_error_codes_errors() -> None:
    assert "span-out-of-bounds" in codes.validation_codes()
    assert "brat-missing-text" not in codes.validation_codes()  # an import issue, not the validator's
    assert all(codes.lookup(c).is_issue for c in codes.validation_codes())
    assert "rebase-required" in codes.error_codes()
    assert "missing-file" in codes.error_codes()
    assert "missing-file" in codes.validation_codes()


def test_the_codes_the_cli_words_are_registered_errors() -> None:
    """cli/_errors.py maps codes to hints: each is a code an exception can carry."""
    assert sorted(c for c in cli_errors._BY_CODE if c not in codes.CODES or not codes.CODES[c].is_error) == []


def test_every_option_an_error_names_is_a_flag_of_the_cli() -> None:
    """Errors name library parameters in data["option"]; the CLI has a flag for each one named in the package."""
    options = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value == "option" and isinstance(value, ast.Constant):
                        options.add(str(value.value))
    assert options, "the scan found no data['option']"
    assert sorted(options - set(cli_errors.FLAGS)) == []


def _messages(tree: ast.AST) -> list[ast.Constant]:
    """The strings of raised errors and of calls that make an issue (a call with a code in code position)."""
    sites: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            sites.append(node.exc)
        elif isinstance(node, ast.Call) and (
            _callee(node) in CODE_FIRST or any(kw.arg is not None and _is_code_name(kw.arg) for kw in node.keywords)
        ):
            sites.append(node)
    return [
        sub for site in sites for sub in ast.walk(site) if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
    ]


def test_the_library_names_no_cli_flag_in_its_messages() -> None:
    """Outside cli/, no error message, hint data or issue message names a --flag (the CLI adds those)."""
    flags = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    found = []
    for path in SOURCES:
        rel = path.relative_to(PROJECT).as_posix()
        if rel.startswith("loaders/cli/"):
            continue
        found += [
            f"{rel}:{node.lineno}: {str(node.value)[:80]!r}"
            for node in _messages(ast.parse(path.read_text(encoding="utf-8")))
            if flags.search(str(node.value))
        ]
    assert found == []


def test_the_scan_for_flags_sees_messages() -> None:
    """The message scan finds the strings of a raise and of an issue call, so the test above can fail."""
    tree = ast.parse('raise LoadError("unknown-split", f"pass --split {x}")\nIssue(code="a-b", message="use --x")')
    assert {n.value for n in _messages(tree)} >= {"pass --split ", "use --x"}


README = PROJECT / "README.md"


def test_readme_table_of_codes_is_generated_from_the_registry() -> None:
    """Regenerate with ``python -m peacetalks.codes --write README.md``."""
    text = README.read_text(encoding="utf-8")
    assert codes.START in text
    assert codes.END in text
    assert codes.replace_block(text) == text


@pytest.mark.parametrize("name", ["malformed-sha256", "malformed-value", "rebase-required"])
def test_readme_lists_codes_it_used_to_miss(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    assert f"| `{name}` |" in text
