"""Urging (đôn đốc, DOMAIN.md): the letters to units with overdue or due-soon tasks or
overdue dossiers (``letters``), written as DOCX and PDF with the weekly brief's machinery
(``documents``), and their life in the app database (``appdb.urgings``): draft, issued,
sent by e-mail through the outbox (``mail``), answered."""
