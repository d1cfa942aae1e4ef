"""The push of indicator data to the Government Operation Center: messages built from the
published snapshot (``messages``), kept in an outbox in the app database until the
receiver acknowledges them (``outbox``), and sent in order with retries (``push``)."""
