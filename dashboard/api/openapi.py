"""The OpenAPI 3 description of ``/api/v1``, built from what the API serves: the indicator
codes and period types come from the registry, the error codes from ``errors``, so the
document cannot drift from the routes (the contract test runs it against the app)."""
from __future__ import annotations

from dashboard.api.errors import ERRORS
from warehouse.domain import UNIT_KINDS
from warehouse.indicators import MAX_PERIODS, PERIOD_TYPES
from warehouse.registry import REGISTRY

MAX_CODE = 40  # characters of a unit code


def _text(description: str | None = None) -> dict:
    return {"type": "string", **({"description": description} if description else {})}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


def _object(properties: dict, description: str | None = None) -> dict:
    schema = {"type": "object", "required": list(properties), "properties": properties,
              "additionalProperties": False}
    return {**schema, "description": description} if description else schema


DAY = {"type": "string", "format": "date"}
NUMBER = _nullable({"type": "number"})

SCHEMAS = {
    "Error": _object({"error": _object({
        "code": {"type": "string", "enum": list(ERRORS)},
        "message": _text("What went wrong, in the language of Accept-Language (Vietnamese by default)."),
    })}),
    "Indicator": _object({
        "code": {"type": "string", "enum": list(REGISTRY)},
        "name_vi": _text(), "name_en": _text(),
        "unit_of_measure_vi": _text(), "unit_of_measure_en": _text(),
        "periodicity": {"type": "string", "enum": list(PERIOD_TYPES),
                        "description": "How often the indicator is reported to the Government."},
        "value_type": {"type": "string", "enum": ["rate", "count", "points", "ranking"],
                       "description": "rate: a fraction from 0 to 1; count: records; points: Decision 766 "
                                      "points; ranking: the composite score 0-100."},
        "definition_vi": _text(), "definition_en": _text(),
    }, "One indicator of the catalogue (Circular 02/2021/TT-BTTTT: code, name, unit of measure, periodicity)."),
    "Unit": _object({
        "unit_code": _text(), "name_vi": _text(), "name_en": _text(),
        "kind": {"type": "string", "enum": list(UNIT_KINDS)},
        "parent_code": _nullable(_text()),
        "current_code": _text("The unit its figures count for today (the end of its chain of successors)."),
        "is_current": {"type": "boolean"},
        "valid_to": _nullable(DAY),
    }),
    "DataRow": _object({
        "indicator": {"type": "string", "enum": list(REGISTRY)},
        "unit_code": _nullable(_text("The reporting unit; null: the ministry as a whole.")),
        "period_type": {"type": "string", "enum": list(PERIOD_TYPES)},
        "period": _text("The period's label: 2026-11-20, 2026-W47, 2026-11, 2026-Q4, 2026; a Government "
                        "reporting month is named after the month it ends in."),
        "period_start": DAY,
        "period_end": {**DAY, "description": "The period's last day, or the data's day while it runs."},
        "complete": {"type": "boolean", "description": "false while the period is still running."},
        "value": {**NUMBER, "description": "null: no data (a rate whose denominator is 0)."},
        "numerator": NUMBER, "denominator": NUMBER,
        "status": _nullable({"type": "string", "enum": ["good", "watch", "bad", None],
                             "description": "The indicator's status rule (config/thresholds.toml): good (Đạt), "
                                           "watch (Cần chú ý), bad (Chậm); null: no data or a small sample."}),
        "small_sample": {"type": "boolean", "description": "The rate rests on fewer records than the minimum "
                                                          "(config/ranking.toml [minimum]): shown, not judged."},
        "data_version": _text("The published snapshot the value was read from."),
    }, "One value of one indicator for one unit and period (Circular 02/2021/TT-BTTTT's indicator data)."),
}
SCHEMAS["IndicatorList"] = _object({"indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}}})
SCHEMAS["UnitList"] = _object({"data_version": _text(),
                               "units": {"type": "array", "items": {"$ref": "#/components/schemas/Unit"}}})
SCHEMAS["DataPage"] = _object({
    "data_version": _text(), "as_of": DAY, "period_type": {"type": "string", "enum": list(PERIOD_TYPES)},
    "from": DAY, "to": DAY, "count": {"type": "integer", "minimum": 0},
    "next_from": {**_nullable(DAY), "description": f"More than {MAX_PERIODS} periods were asked for: the first "
                                                  f"{MAX_PERIODS} are answered; ask again from this day for the rest."},
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/DataRow"}},
})

ERROR_WORDS = {400: "The query is not understood (its code and message say which part).",
               401: "No key, an unknown key or a revoked key.",
               403: "The key's scopes do not cover what was asked.",
               404: "No such thing (an address, an indicator, a unit).",
               429: "Too many calls: wait the seconds of Retry-After.",
               500: "The server failed; the failure is logged.",
               503: "No data has been published yet."}


def _error(status: int) -> dict:
    response = {"description": ERROR_WORDS[status],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait.",
                                               "schema": {"type": "integer", "minimum": 1}}}
    return response


def _operation(operation_id: str, summary: str, schema: str, errors: tuple[int, ...], parameters=()) -> dict:
    responses = {"200": {"description": "OK", "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}}
    for status in (*errors, 401, 429, 500):
        responses[str(status)] = _error(status)
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": list(parameters),
                    "responses": responses}}


def _list_parameter(name: str, items: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
            "description": description, "schema": {"type": "array", "items": items}}


def document(server_url: str) -> dict:
    data_parameters = [
        _list_parameter("indicator", {"type": "string", "enum": list(REGISTRY)},
                        "Indicator codes (repeat the parameter); default: every indicator of the key."),
        _list_parameter("unit", {"type": "string", "minLength": 1, "maxLength": MAX_CODE},
                        "Unit codes (repeat the parameter); default: every unit of the key, and the "
                        "ministry as a whole when the key covers every unit."),
        {"name": "period_type", "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(PERIOD_TYPES), "default": "month"}},
        {"name": "from", "in": "query", "required": False, "schema": DAY,
         "description": "The first period is the one holding this day (default: the period holding `to`, "
                        "else the data's day)."},
        {"name": "to", "in": "query", "required": False, "schema": DAY,
         "description": f"The last period is the one holding this day (default: the data's day). At most "
                        f"{MAX_PERIODS} periods are answered at once (see next_from); none when from is after to."},
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Opscenter indicator API",
            "version": "1",
            "description": "Indicators of the Ministry of Agriculture and Environment for the Government "
                           "Operation Center: the catalogue, indicator data per reporting unit and period, "
                           "and the units. Rates are fractions from 0 to 1. Every call needs a client key "
                           "(Authorization: Bearer) issued by an administrator.",
        },
        "servers": [{"url": server_url}],
        "security": [{"key": []}],
        "paths": {
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document.", "security": [],
                "responses": {"200": {"description": "OK",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/indicators": _operation("indicators", "The indicator catalogue (the key's indicators).",
                                      "IndicatorList", ()),
            "/indicators/{code}": {**_operation("indicator", "One indicator.", "Indicator", (403, 404), [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}])},
            "/units": _operation("units", "The units (the key's units, with their sub-units).", "UnitList",
                                 (400, 503), [{"name": "kind", "in": "query", "required": False,
                                               "schema": {"type": "string", "enum": list(UNIT_KINDS)}}]),
            "/data": _operation("data", "Indicator data per unit and period.", "DataPage", (400, 403, 404, 503),
                                data_parameters),
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"key": {"type": "http", "scheme": "bearer",
                                        "description": "A client key issued by an administrator."}},
        },
    }
