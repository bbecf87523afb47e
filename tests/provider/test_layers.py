"""The domain does not import the web layer (STYLE point 11): the catalog publishes a
version (`provider.catalog_version`) that the API reads, instead of calling into it."""

import ast
from pathlib import Path

import provider

WEB = ("panel.api", "panel.storefront")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_provider_does_not_import_the_web_layer():
    root = Path(provider.__file__).parent
    offenders = {str(path.relative_to(root)): name
                 for path in root.rglob("*.py") for name in imported_modules(path)
                 if name.startswith(WEB)}
    assert offenders == {}
