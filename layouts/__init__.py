"""One module per screen; each registers itself as a Dash page and keeps its callbacks."""
