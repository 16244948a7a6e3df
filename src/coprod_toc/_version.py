"""The version of coprod-toc: written here once (the package build reads it too)."""

__version__ = "0.1.0"
