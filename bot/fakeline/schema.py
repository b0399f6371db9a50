"""LINE's official OpenAPI specs, loaded once, used to check requests and webhook bodies."""

import copy
import os
import re
import threading
import uuid
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import FormatChecker, ValidationError
from jsonschema.validators import extend
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Limits from the Messaging API reference that the spec leaves out.
_EXTRA_LIMITS = {
    ("TextMessage", "text"): {"maxLength": 5000},
    ("TextMessageV2", "text"): {"maxLength": 5000},
    ("ImagemapMessage", "altText"): {"maxLength": 1500},
    ("TemplateMessage", "altText"): {"maxLength": 1500},
    ("FlexMessage", "altText"): {"maxLength": 1500},
}


def find_spec_dir() -> Path | None:
    """The folder holding LINE's OpenAPI specs, or None when it cannot be found."""
    env = os.environ.get("LINE_OPENAPI_DIR")
    repo = Path(__file__).resolve().parents[2]
    candidate = Path(env) if env else repo.parent / "shared" / "line-openapi"
    return candidate if (candidate / "messaging-api.yml").is_file() else None


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


_FORMATS = FormatChecker()
_FORMATS.checkers.update(OAS30Validator.FORMAT_CHECKER.checkers)
_FORMATS.checks("uuid")(_is_uuid)


def _discriminator(validator, discriminator, instance, schema):
    """Dispatch to the concrete subtype: the library only does this next to oneOf/anyOf/allOf."""
    if any(k in schema for k in ("oneOf", "anyOf", "allOf")) or not isinstance(instance, dict):
        return
    name = discriminator["propertyName"]
    if name not in instance:
        return  # "required" reports it
    mapping = discriminator.get("mapping", {})
    ref = mapping.get(instance[name])
    if ref is None:
        yield ValidationError(f"unknown {name} {instance[name]!r}; expected one of {sorted(mapping)}",
                              validator="discriminator", path=[name])
        return
    yield from validator.descend(instance, {"$ref": ref})


_Validator = extend(OAS30Validator, {"discriminator": _discriminator})


def _prepare(doc: dict) -> dict:
    """Copy the spec so a subtype's allOf points at its base *without* the discriminator.

    Otherwise TextMessage -> allOf Message -> discriminator -> TextMessage loops forever.
    """
    doc = copy.deepcopy(doc)
    schemas = doc.get("components", {}).get("schemas", {})
    for name, base in list(schemas.items()):
        if "discriminator" not in base:
            continue
        plain = {k: v for k, v in base.items() if k != "discriminator"}
        schemas[f"{name}__base"] = plain
        base_ref = f"#/components/schemas/{name}"
        for ref in base["discriminator"].get("mapping", {}).values():
            for part in schemas[ref.rsplit("/", 1)[-1]].get("allOf", []):
                if part.get("$ref") == base_ref:
                    part["$ref"] = f"{base_ref}__base"
    for (name, prop), limits in _EXTRA_LIMITS.items():
        schema = schemas.get(name, {})
        for part in [schema, *schema.get("allOf", [])]:
            if prop in part.get("properties", {}):
                part["properties"][prop] = {**part["properties"][prop], **limits}
    return doc


def _where(error: ValidationError) -> str:
    where = ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "(body)"


def _describe(error: ValidationError) -> str:
    """A short message: jsonschema's own repeats the whole (possibly personal, huge) value."""
    kind, limit, value = error.validator, error.validator_value, error.instance
    if kind == "maxLength":
        return f"must be at most {limit} characters (got {len(value)})"
    if kind == "minLength":
        return f"must be at least {limit} characters (got {len(value)})"
    if kind == "maxItems":
        return f"must have at most {limit} items (got {len(value)})"
    if kind == "minItems":
        return f"must have at least {limit} items (got {len(value)})"
    if kind == "type":
        return f"must be of type {limit}"
    if kind == "enum":
        return f"must be one of {limit}"
    if kind in ("pattern", "format"):
        return f"does not match {kind} {limit!r}"
    if kind in ("oneOf", "anyOf"):
        return "matches none of the allowed shapes"
    if kind == "uniqueItems":
        return "items must be unique"
    return error.message[:200]


def _errors(validator, instance) -> list[str]:
    errors = sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for error in errors:
        where = _where(error)
        if error.validator == "required":
            # Point at the missing property itself, like LINE's error details do.
            missing = error.message.split("'")[1] if "'" in error.message else ""
            where = f"{where}.{missing}" if where != "(body)" else missing
            out.append(f"{where}: is required")
        else:
            out.append(f"{where}: {_describe(error)}")
    # The base schema's properties are checked both via the discriminator and directly.
    return list(dict.fromkeys(out))


class _Spec:
    """A prepared spec document with one cached validator per schema."""

    def __init__(self, path: Path) -> None:
        with open(path, encoding="utf-8") as f:
            self.doc = _prepare(yaml.load(f, Loader=_Loader))
        self.uri = path.resolve().as_uri()
        resource = Resource.from_contents(self.doc, default_specification=DRAFT4)
        self.registry = Registry().with_resource(self.uri, resource).crawl()
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    def validator(self, ref: str):
        """A validator for a ref like '#/components/schemas/Message' (built once)."""
        with self._lock:
            if ref not in self._validators:
                self._validators[ref] = _Validator(
                    {"$ref": self.uri + ref}, registry=self.registry, format_checker=_FORMATS)
            return self._validators[ref]

    def validate(self, schema: dict, instance) -> list[str]:
        if set(schema) == {"$ref"}:
            return _errors(self.validator(schema["$ref"]), instance)
        return _errors(_Validator(schema, registry=self.registry, format_checker=_FORMATS), instance)


@lru_cache(maxsize=None)
def _spec(path: Path) -> _Spec:
    return _Spec(path)


def _spec_file(name: str, spec_dir: Path | None) -> Path:
    spec_dir = spec_dir or find_spec_dir()
    if spec_dir is None:
        raise FileNotFoundError("LINE OpenAPI specs not found; set LINE_OPENAPI_DIR")
    return Path(spec_dir).resolve() / name


class MessagingSchema:
    """Checks Messaging API requests against messaging-api.yml."""

    def __init__(self, spec_dir: Path | None = None) -> None:
        self._spec = _spec(_spec_file("messaging-api.yml", spec_dir))
        self._exact: dict[str, dict] = {}
        self._templates: list[tuple[re.Pattern, dict]] = []
        for template, item in self._spec.doc["paths"].items():
            if "{" in template:
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
                self._templates.append((re.compile(pattern + "$"), item))
            else:
                self._exact[template] = item

    def operation(self, method: str, path: str) -> dict | None:
        """The spec's operation for a concrete path such as /v2/bot/profile/U123."""
        item = self._exact.get(path)
        if item is None:
            item = next((i for p, i in self._templates if p.match(path)), None)
        if item is None:
            return None
        op = item.get(method.lower())
        if op is None:
            return None
        return {**op, "parameters": [*item.get("parameters", []), *op.get("parameters", [])]}

    def validate_request(self, method: str, path: str, headers: Mapping[str, str], body_json) -> list[str]:
        """Human-readable problems with a request ('where: what'); empty when it is valid."""
        op = self.operation(method, path)
        if op is None:
            return [f"{method.upper()} {path}: no such operation in the Messaging API"]
        headers = {k.lower(): v for k, v in headers.items()}
        errors = []
        auth = headers.get("authorization", "")
        if op.get("security", self._spec.doc.get("security")) and not (
                auth.startswith("Bearer ") and auth[7:].strip()):
            errors.append("Authorization: must be 'Bearer <channel access token>'")
        for param in op["parameters"]:
            if param.get("in") != "header":
                continue
            value = headers.get(param["name"].lower())
            if value is None:
                if param.get("required"):
                    errors.append(f"{param['name']}: is required")
                continue
            errors += [f"{param['name']}: {e.split(': ', 1)[1]}"
                       for e in self._spec.validate(param.get("schema", {}), value)]
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if content is not None:
            if body_json is None:
                if op["requestBody"].get("required"):
                    errors.append("(body): a JSON request body is required")
            else:
                errors += self._spec.validate(content["schema"], body_json)
        return errors


class WebhookSchema:
    """Checks webhook request bodies against webhook.yml's CallbackRequest."""

    def __init__(self, spec_dir: Path | None = None) -> None:
        self._spec = _spec(_spec_file("webhook.yml", spec_dir))

    def validate_body(self, body_json) -> list[str]:
        """Human-readable problems with a webhook body; empty when it is valid."""
        return _errors(self._spec.validator("#/components/schemas/CallbackRequest"), body_json)
