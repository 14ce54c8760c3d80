"""The API's documentation page at /api/v1/docs: the OpenAPI schema rendered by the portal itself,
in its own layout (its language, landmarks and colours), with no script. Swagger UI's page fails
the accessibility checks (contrast, buttons inside buttons, no language, content outside
landmarks); the schema itself stays at /api/v1/schema for any tool."""

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict) -> str:
    """A property's type in a few words: `string`, `RequestDetail`, `array of Debtor`, `string or null`."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " or ".join(dict.fromkeys(type_of(option) for option in schema[key]))
    if schema.get("type") == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    kind = schema.get("type", "object")
    if schema.get("format"):
        kind = f"{kind} ({schema['format']})"
    if schema.get("enum"):
        kind = f"{kind}: {', '.join(str(value) for value in schema['enum'])}"
    return kind


def _content_schema(container: dict) -> dict | None:
    """{type, media type, ref: the schema's name to link to, if one} of a body, or None."""
    for media_type, body in container.get("content", {}).items():
        schema = body.get("schema", {})
        return {"type": type_of(schema), "media": media_type,
                "ref": _ref_name(schema["$ref"]) if "$ref" in schema else ""}
    return None


def operations(schema: dict) -> list[dict]:
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method in METHODS:
            operation = methods.get(method)
            if operation is None:
                continue
            found.append({
                "id": operation.get("operationId", f"{method}-{path}"),
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": type_of(p.get("schema", {})), "description": p.get("description", "")}
                    for p in operation.get("parameters", [])
                ],
                "body": _content_schema(operation.get("requestBody", {})),
                "responses": [
                    {"status": status, "description": response.get("description", ""),
                     "body": _content_schema(response)}
                    for status, response in sorted(operation.get("responses", {}).items(), key=lambda kv: str(kv[0]))
                ],
            })
    return found


def schemas(schema: dict) -> list[dict]:
    found = []
    for name, body in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(body.get("required", []))
        found.append({
            "name": name, "description": body.get("description", ""),
            "properties": [
                {"name": key, "type": type_of(value), "required": key in required,
                 "description": value.get("description", "") or value.get("title", "")}
                for key, value in body.get("properties", {}).items()
            ],
        })
    return found


class PortalDocs(DocsBase):
    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(request, "linkage/api_docs.html", {
            "info": schema.get("info", {}), "schema_url": self.get_openapi_url(api, kwargs),
            "operations": operations(schema), "schemas": schemas(schema),
        })
