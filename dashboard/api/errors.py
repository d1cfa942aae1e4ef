"""The API's errors: stable codes a client can branch on, each with its HTTP status."""
from __future__ import annotations

ERRORS = {
    "bad_query": 400, "unknown_indicator": 400, "unknown_unit": 404,
    "unauthenticated": 401, "invalid_key": 401, "key_revoked": 401,
    "out_of_scope": 403, "not_found": 404, "method_not_allowed": 405, "rate_limited": 429, "internal": 500,
    "no_data": 503,
}


class ApiError(Exception):
    """A call refused with ``code``; ``values`` fill its message, ``headers`` go with it."""

    def __init__(self, code: str, headers: dict | None = None, /, **values):
        super().__init__(code)
        self.code, self.values, self.headers = code, values, headers or {}

    @property
    def status(self) -> int:
        return ERRORS[self.code]
