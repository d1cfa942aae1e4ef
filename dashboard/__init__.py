"""The Dash/Flask app: frame, shared components, formats, catalogues."""
