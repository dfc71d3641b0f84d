"""Writes the 2.16 description with the sandbox's documented allowances applied.

Two kinds of allowance, nothing else:
- the README's "Where the sandbox follows real clients over the spec" list: admins' `avatar` may
  also be the `/me` object; `GET /events` may also answer the spec's own `data_event_list`;
- the spec against itself: a string declared `format: uri` whose own example is a relative path
  (`/contacts/5ba6.../companies`) is a URI reference, as Intercom sends it; and one whose own
  example is no URI at all (`addressable_list.type`, example `note`: an object type) is a plain
  string;
- null: Intercom's own examples send `null` for fields the spec leaves non-nullable, so every
  typed schema also admits null (types, enums and required keys still hold for other values).

usage: prepare_spec.py SPEC.yaml OUT.json
"""

import json
import sys

import yaml


def relative_uris(node):
    """`format: uri` becomes `uri-reference` where the schema's example is a relative path, and
    is dropped where the example is no URI at all (neither a scheme nor a path)."""
    if isinstance(node, dict):
        example = node.get("example")
        if node.get("format") == "uri" and isinstance(example, str):
            if example.startswith("/"):
                node["format"] = "uri-reference"
            elif ":" not in example:
                del node["format"]
        for value in node.values():
            relative_uris(value)
    elif isinstance(node, list):
        for value in node:
            relative_uris(value)


def nullable(node):
    """Every schema with a `type` also admits null."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            node["nullable"] = True
        for value in node.values():
            nullable(value)
    elif isinstance(node, list):
        for value in node:
            nullable(value)


def main(source, target):
    with open(source, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    admin = spec["components"]["schemas"]["admin"]["properties"]
    url = admin["avatar"]
    admin["avatar"] = {
        "nullable": True,
        "oneOf": [
            {k: v for k, v in url.items() if k != "nullable"},
            {
                "type": "object",
                "properties": {
                    "type": {"type": "string"},
                    "image_url": {"type": "string", "nullable": True},
                },
            },
        ],
    }
    events = spec["paths"]["/events"]["get"]["responses"]["200"]["content"]["application/json"]
    events["schema"] = {
        "oneOf": [
            {"$ref": "#/components/schemas/data_event_summary"},
            {"$ref": "#/components/schemas/data_event_list"},
        ]
    }
    relative_uris(spec)
    nullable(spec["components"]["schemas"])
    for path in spec["paths"].values():
        for operation in path.values():
            if isinstance(operation, dict):
                nullable(operation.get("responses", {}))
    with open(target, "w", encoding="utf-8") as f:
        json.dump(spec, f)


if __name__ == "__main__":
    main(*sys.argv[1:3])
