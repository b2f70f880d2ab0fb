"""The JSON Schema of the plan document, built from the registry.

Import validates against `document_schema()`, so its limits and choices are the
models' and the forms'. `planner/schema/plan-document.schema.json` is the same
schema written out for people and other tools (`manage.py plan_schema` rewrites
it; a test fails when it is out of date).
"""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from planner import registry
from planner.levels import LEVELS

SCHEMA_ID = "backplan/plan"
SCHEMA_VERSION = 1
SCHEMA_PATH = Path(__file__).parent / "schema" / "plan-document.schema.json"

NAME = {"$ref": "#/$defs/name"}
SLUG = {"$ref": "#/$defs/slug"}
PLATFORMS = registry.Platform.values
ENTRY_KINDS = ["pattern", "technique"]
COMPLEXITIES = ["low", "medium", "high"]


def string(limit: int, *, min_length: int = 0) -> dict:
    spec = {"type": "string", "maxLength": limit}
    if min_length:
        spec["minLength"] = min_length
    return spec


def obj(properties: dict, required: list[str] | None = None) -> dict:
    spec = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        spec["required"] = required
    return spec


def unique_list(items: dict) -> dict:
    return {"type": "array", "uniqueItems": True, "items": items}


def field_schema(field: registry.Field) -> dict:
    """One registry field as the document writes it."""
    if field.name == "name":
        return NAME
    if field.type in ("text", "line"):
        return string(field.limit)
    if field.type == "flag":
        return {"type": "boolean"}
    if field.type == "choice":
        values = field.choices.values
        return {"type": "string", "enum": values if field.required else ["", *values]}
    if field.type == "choices":
        return unique_list({"type": "string", "enum": field.choices.values})
    if field.ref in ("pattern", "technique"):
        return SLUG
    if field.type == "ref" and field.required:
        return NAME
    if field.type == "ref":
        return {"type": ["string", "null"], "minLength": 1, "maxLength": registry.Limit.NAME}
    if field.type == "refs":
        return unique_list(NAME)
    raise ValueError(f"No schema for {field}")


def row_schema(kind: registry.RowKind) -> dict:
    properties = {f.doc_key: field_schema(f) for f in kind.fields}
    required = [f.doc_key for f in kind.fields if f.required and f.type != "choice"]
    required += [f.doc_key for f in kind.fields if f.type == "choice" and f.required]
    if kind.key == "journey_step":  # timing and updates have defaults
        required = ["name"]
    if kind.key in ("decision", "technique"):  # the status has a default
        required = [kind.fields[0].doc_key]
    if kind.key == "decision":
        properties["revealed_by"] = {
            "type": ["object", "null"],
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string", "enum": registry.REVEALED_BY_KINDS},
                # a relationship is named "<source> -> <target>"
                "name": string(2 * registry.Limit.NAME + 4, min_length=1),
            },
            "required": ["kind", "name"],
        }
    return {"type": "array", "items": obj(properties, required)}


def level_schema(level) -> dict:
    return obj(
        {
            "status": {"type": "string", "enum": registry.LevelStatus.values},
            "skip_reason": string(registry.Limit.TEXT),
            "answers": obj({q.key: string(registry.Limit.ANSWER) for q in level.questions}),
        }
    )


def document_schema() -> dict:
    levels = registry.LEVEL_NUMBERS
    core = obj(
        {
            "answer": string(registry.CORE_ANSWER.limit),
            "levels": unique_list(
                {"type": "integer", "minimum": min(levels), "maximum": max(levels)}
            ),
        }
    )
    entry = obj(
        {
            "slug": SLUG,
            "name": string(registry.Limit.NAME, min_length=1),
            "kind": {"type": "string", "enum": ENTRY_KINDS},
            "category": string(60),
            **{
                name: string(registry.Limit.TEXT)
                for name in ["summary", "problems", "when_to_use", "when_not_to"]
            },
            "complexity": {"type": "string", "enum": COMPLEXITIES},
            "builtin_platforms": unique_list({"type": "string", "enum": PLATFORMS}),
        },
        ["slug", "name", "kind"],
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://backplan.example/schema/plan-document-{SCHEMA_VERSION}.json",
        "title": f"Backplan plan document, schema version {SCHEMA_VERSION}",
        "description": "A whole plan as one JSON document. See docs/plan-document.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["schema", "schema_version", "project"],
        "$defs": {
            "name": {
                **string(registry.Limit.NAME, min_length=1),
                "description": "A row name; unique within its list, whatever its case.",
            },
            "slug": {
                "type": "string",
                "minLength": 1,
                "maxLength": 80,
                "pattern": "^[-a-zA-Z0-9_]+$",
            },
        },
        "properties": {
            "schema": {"const": SCHEMA_ID},
            "schema_version": {"const": SCHEMA_VERSION},
            "project": obj(
                {
                    "name": string(registry.Limit.NAME, min_length=1),
                    "description": string(registry.Limit.TEXT),
                },
                ["name"],
            ),
            "context": obj({f.name: field_schema(f) for f in registry.CONTEXT_FIELDS}),
            "levels": obj({level.step: level_schema(level) for level in LEVELS}),
            **{kind.list_key: row_schema(kind) for kind in registry.ROW_KIND_LIST},
            "custom_entries": {"type": "array", "items": entry},
            "core_questions": obj({key: core for key in registry.CoreQuestionKey.values}),
            "dismissed_findings": {
                "type": "array",
                "items": obj(
                    {
                        "key": string(registry.Limit.FINDING_KEY, min_length=1),
                        "reason": string(registry.Limit.DISMISSAL_REASON),
                    },
                    ["key"],
                ),
            },
        },
    }


def schema_text() -> str:
    return json.dumps(document_schema(), indent=2, ensure_ascii=False) + "\n"


@cache
def validator():
    schema = document_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
