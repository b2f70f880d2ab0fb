"""The example plans anyone can start a project from.

Each `*.json` file in `settings.PLAN_EXAMPLES_DIR` is a plan document; its file name
(without `.json`) is its slug, its `project.name` and `project.description` are the
title and description people choose by. The guide's own two worked examples come
first, the others follow in the order of their file names. A file that cannot be read
as a plan document is left out of the list (and logged); whether it can be imported
is checked when someone starts from it (`validate_document`, which needs the catalogue).
"""

import copy
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from planner.document_json import DocumentParseError, document_parse

logger = logging.getLogger(__name__)
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
GUIDE_EXAMPLES = ("convex-productivity", "realtime-chat")  # the guide's worked examples


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    description: str


def example_list() -> list[Example]:
    """Every readable example, the guide's first."""
    found = []
    for path in _files():
        document = _read(path, path.stat().st_mtime_ns)
        if document is not None:
            project = document["project"]
            found.append(Example(path.stem, project["name"], project.get("description", "")))
    return found


def example_document(slug: str) -> dict[str, Any] | None:
    """A fresh copy of the example's plan document, or None when there is no such example."""
    for path in _files():
        if path.stem == slug:
            document = _read(path, path.stat().st_mtime_ns)
            return copy.deepcopy(document) if document is not None else None
    return None


def _files() -> list[Path]:
    folder = Path(settings.PLAN_EXAMPLES_DIR)
    if not folder.is_dir():
        return []
    paths = [p for p in folder.glob("*.json") if p.is_file() and SLUG.match(p.stem)]
    return sorted(paths, key=_order)


def _order(path: Path) -> tuple[int, str]:
    guide = GUIDE_EXAMPLES.index(path.stem) if path.stem in GUIDE_EXAMPLES else len(GUIDE_EXAMPLES)
    return guide, path.stem


@lru_cache(maxsize=32)
def _read(path: Path, mtime_ns: int) -> dict[str, Any] | None:
    """The parsed document, read again only when the file changes (its mtime is the key)."""
    try:
        document = document_parse(path.read_bytes())
    except (OSError, DocumentParseError) as error:
        logger.warning("Example plan %s cannot be read: %s", path, error)
        return None
    project = document.get("project") if isinstance(document, dict) else None
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        logger.warning("Example plan %s has no project name.", path)
        return None
    return document
