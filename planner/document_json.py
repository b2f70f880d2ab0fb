"""Reading an uploaded plan document's bytes into Python: one parser for the import page
and `manage.py import_plan`, so both refuse the same files with the same words."""

import json
from typing import Any

# A plan document is about six levels deep (plan → rows → row → list → item). Deeper
# input is refused before validation, whose recursive schema checks would overflow.
MAX_DEPTH = 32


class DocumentParseError(ValueError):
    """The bytes are not a plan document we can read; the message says why, in one line."""


def document_parse(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentParseError("The file is not UTF-8 text.") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentParseError(
            f"This is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    except RecursionError as error:
        raise DocumentParseError(too_deep_message()) from error
    except ValueError as error:  # Python refuses to convert integers past 4,300 digits
        raise DocumentParseError(
            "The document holds a number with too many digits to be a plan value."
        ) from error
    if nesting_depth(data) > MAX_DEPTH:
        raise DocumentParseError(too_deep_message())
    return data


def too_deep_message() -> str:
    return (
        f"The document is nested too deeply: a plan document has at most {MAX_DEPTH} "
        "levels of lists and objects."
    )


def nesting_depth(data: Any) -> int:
    """How many lists and objects deep `data` goes, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((item, depth + 1) for item in value)
    return deepest
