"""The sandbox stands alone: only the standard library and its own modules."""

import ast
import sys
from pathlib import Path

import provider.sandbox

SANDBOX_DIR = Path(provider.sandbox.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module)
    return roots


def test_sandbox_imports_only_the_standard_library_and_itself():
    offenders = {}
    for path in SANDBOX_DIR.glob("*.py"):
        outside = {
            name for name in _imported_roots(path)
            if not name.startswith("provider.sandbox")
            and name.split(".")[0] not in sys.stdlib_module_names
        }
        if outside:
            offenders[path.name] = sorted(outside)
    assert offenders == {}


def test_every_sandbox_module_has_a_docstring():
    missing = [path.name for path in SANDBOX_DIR.glob("*.py")
               if ast.get_docstring(ast.parse(path.read_text())) is None]
    assert missing == []
