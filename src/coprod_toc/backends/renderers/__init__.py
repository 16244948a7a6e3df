"""The built-in renderers, one plugin: Mermaid, DOT, the diagram as SVG (our own layout, or
Graphviz's), Markdown, the HTML report and the easy-read summary.

The hook names each renderer and the module that holds it; the modules (and the template
engine under the HTML ones) are imported when the host first asks for renderers, so a
command that never renders does not pay for them.
"""

from __future__ import annotations

import importlib

from coprod_toc.plugins.hookspecs import Register, hookimpl

#: Renderer name → ``module:class``, in the order ``coprod-toc plugins`` lists them.
RENDERERS = {
    "mermaid": "mermaid:MermaidRenderer",
    "dot": "graphviz:DotRenderer",
    "svg": "svg:SvgRenderer",
    "graphviz-svg": "graphviz:GraphvizSvgRenderer",
    "markdown": "markdown:MarkdownRenderer",
    "html": "html:HtmlRenderer",
    "easy-read": "easy_read:EasyReadRenderer",
}


@hookimpl
def register_renderers(register: Register) -> None:
    for name, where in RENDERERS.items():
        module, cls = where.split(":")
        register(name, getattr(importlib.import_module(f"{__name__}.{module}"), cls))
