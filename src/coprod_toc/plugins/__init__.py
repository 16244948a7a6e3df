"""The plugin host: the hooks a plugin implements (:mod:`coprod_toc.plugins.hookspecs`) and
the manager that loads plugins, keeps each one's failures to itself and lists what they
provide (:mod:`coprod_toc.plugins.manager`).

A plugin marks its hook functions with :data:`hookimpl`::

    from coprod_toc.plugins import hookimpl

    @hookimpl
    def register_renderers(register):
        register("plain", PlainRenderer)
"""

from coprod_toc.plugins.hookspecs import PROJECT_NAME, Register, hookimpl, hookspec
from coprod_toc.plugins.manager import (
    DEFAULT_PLUGINS,
    ENTRY_POINT_GROUP,
    Extensions,
    PluginInfo,
    PluginManager,
    PluginProblem,
    Registered,
    get_plugin_manager,
    make_plugin_manager,
    use_plugin_manager,
)

__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "Extensions",
    "PluginInfo",
    "PluginManager",
    "PluginProblem",
    "Register",
    "Registered",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
    "make_plugin_manager",
    "use_plugin_manager",
]
