"""Exports: every table of the screens as CSV and XLSX, every chart as PNG and SVG.

A layout registers the function that builds a table (``@exports.table``) and renders its
screen table from what that function returns, so the screen and the file agree by
construction; ``links`` puts the download links under it.
"""
from dashboard.exports.sheet import BadQuery, Column, Sheet, as_of, columns, cut, latest, table
from dashboard.exports.web import chart_links, links, register_routes

__all__ = ["BadQuery", "Column", "as_of", "Sheet", "columns", "cut", "latest", "table", "links", "chart_links",
           "register_routes"]
