"""The push of indicator data to the Government Operation Center: messages built from the
published snapshot (``messages``), kept in the outbox of the app database until the
receiver acknowledges them (``appdb.outbox``), and sent in order with retries (``push``)."""
