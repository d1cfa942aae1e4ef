"""The brief as PDF, rendered by WeasyPrint from an HTML template: pango shapes every
Vietnamese diacritic, the fonts are embedded, table headers repeat on each page and the
footer carries the data version, period and page."""
from __future__ import annotations

import base64
from pathlib import Path

import jinja2
from weasyprint import CSS, HTML

from dashboard.briefs.content import Brief, Chart, Table

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "briefs"
_environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
_environment.tests.update(table=lambda block: isinstance(block, Table), chart=lambda block: isinstance(block, Chart))


def write(brief: Brief, path: Path, images: dict[str, bytes], page_words: tuple[str, str]) -> Path:
    """Write the PDF; ``images`` are the charts as SVG by chart name (sharp at any zoom)."""
    sources = {name: "data:image/svg+xml;base64," + base64.b64encode(svg).decode() for name, svg in images.items()}
    html = _environment.get_template("brief.html").render(brief=brief, images=sources, page_words=page_words)
    HTML(string=html, base_url=str(TEMPLATES)).write_pdf(path, stylesheets=[CSS(filename=str(TEMPLATES / "brief.css"))])
    return path
