"""Document the error answers every endpoint can give, so clients (and fuzzers) expect them."""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each invalid field with its messages, or `detail` for the whole request.",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
WRITE_METHODS = {"post", "put", "patch"}


def _error(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _anonymous_allowed(operation: dict) -> bool:
    return any(requirement == {} for requirement in operation.get("security", [{}]))


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: add 400/401/403/404/429 where they can occur."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if method in WRITE_METHODS or operation.get("parameters"):
                responses.setdefault("400", _error("Invalid input", FIELD_ERRORS_SCHEMA))
            if not _anonymous_allowed(operation):
                responses.setdefault("401", _error("Not signed in", ERROR_SCHEMA))
            responses.setdefault("403", _error("Not allowed", ERROR_SCHEMA))
            if "{" in path:
                responses.setdefault("404", _error("Not found", ERROR_SCHEMA))
            responses.setdefault("429", _error("Too many requests", ERROR_SCHEMA))
    return result
