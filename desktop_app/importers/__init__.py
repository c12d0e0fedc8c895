"""Importers of AI history files: bytes → :class:`~desktop_app.domain.Session` objects.

One module per source, each exporting one :class:`~desktop_app.importers.contract.SourceSpec`
(listed in :mod:`.registry`); detection, safe zips and tars, streams and tolerant values. No
database and no Qt here: :mod:`desktop_app.ingest` writes what parsers read into the store.
"""
