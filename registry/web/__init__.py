"""The web layer: the Starlette app, its routes and request parsing, templates and static files.

Only this package imports Starlette; the domain (registry/*.py, db/, scrapers/) never imports
it, and endpoints here read and write through the domain's functions.
"""
