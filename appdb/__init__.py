"""The application database: accounts and one-time links, kiosk tokens, API keys and their
calls, the audit log, the archive of briefs and the push outbox. Its tables (``schema``),
their reads and writes (one module per table or two), its Alembic migrations
(``migrations``) and the one way to open it (``engine.open_db``).

SQLite in the data dir by default, PostgreSQL in production; the web app, the CLIs and
the pipelines all come here, and nothing here knows about screens or sources.
"""
