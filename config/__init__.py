"""Configuration: the typed settings object and the TOML files beside it."""
