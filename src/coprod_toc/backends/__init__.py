"""The built-in backends. Each module is a plugin, registered through the same hooks a
third-party plugin uses (see ``coprod_toc.plugins.DEFAULT_PLUGINS``)."""
