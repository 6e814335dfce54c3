"""A Datasette plugin for releases served by `datasette serve` (registry/releases/publish.py):
every CSV answer is neutralised for spreadsheets (registry/web/neutralise.py), as the site does
for /data/."""

from datasette import hookimpl

from registry.web.neutralise import NeutraliseCSV


@hookimpl
def asgi_wrapper(datasette):
    return NeutraliseCSV
