"""The built-in group renderers, one plugin: a co-production group's annual report as HTML,
easy read, Markdown and JSON (``ct.render(record, name, year=…)``).

The modules (and the template engine under them) are imported when the host first asks for
group renderers, so a command that never renders a report does not pay for them.
"""

from __future__ import annotations

import importlib

from coprod_toc.plugins.hookspecs import Register, hookimpl

#: Group renderer name → class in :mod:`coprod_toc.backends.group_reports.renderers`.
GROUP_RENDERERS = {
    "html": "GroupHtmlRenderer",
    "easy-read": "GroupEasyReadRenderer",
    "markdown": "GroupMarkdownRenderer",
    "json": "GroupJsonRenderer",
}


@hookimpl
def register_group_renderers(register: Register) -> None:
    module = importlib.import_module(f"{__name__}.renderers")
    for name, cls in GROUP_RENDERERS.items():
        register(name, getattr(module, cls))
