"""The German source texts of the catalogues: where they are (``locale/babel.cfg``) and how to read them.

``pybabel extract -F locale/babel.cfg -k N_ -k t`` uses :func:`extract_yaml` for the YAML texts; the catalogue
test uses :func:`source_messages`, which reads the same mapping, so both see the same set of message ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

from core.i18n import LOCALE_DIR, ROOT

KEYWORDS = {"N_": None, "t": None}
CONFIG = LOCALE_DIR / "babel.cfg"


def extract_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor: every string in the YAML (only below the key ``under``, if given), except below the
    keys named in ``skip`` (patterns, payloads)."""
    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    skip = set(str(options.get("skip") or "").split())
    under = options.get("under")
    if under:
        data = data.get(under) if isinstance(data, dict) else None
    for text in _strings(data, skip):
        yield 0, "", text, []


def _strings(node: Any, skip: set[str]) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key) not in skip:
                yield from _strings(value, skip)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item, skip)
    elif isinstance(node, str) and node.strip():
        yield node


def source_messages() -> dict[str, list[str]]:
    """Every German message id -> the files it comes from."""
    from babel.messages.extract import extract_from_file
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for pattern, method in method_map:
        for path in sorted(ROOT.glob(pattern.replace("**.py", "**/*.py"))):
            relative = path.relative_to(ROOT).as_posix()
            options = options_map.get(pattern, {})
            func = _extractor(method)
            for _, message, _, _ in extract_from_file(func, str(path), keywords=KEYWORDS, options=options):
                text = message if isinstance(message, str) else message[0]
                if text:
                    found.setdefault(text, []).append(relative)
    return found


def _extractor(method: str) -> Any:
    if ":" not in method:
        return method
    module, name = method.split(":")
    imported = __import__(module, fromlist=[name])
    return getattr(imported, name)
