"""The HTTP API for the Government Operation Center: indicators, their data and units,
read by client keys an administrator issues (``/api/v1``)."""
