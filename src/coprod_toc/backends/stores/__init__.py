"""The built-in stores, each a plugin registered through the ``open_store`` hook: ``memory:``,
SQLite (the default) and a folder of JSON files. They are written with the kit of
:mod:`coprod_toc.storage` only, as a third-party store would be."""
