"""Which packages the distribution holds (the rest of the configuration is pyproject.toml).

The repository keeps the bundled fonts, the built-in templates and the letter JSON Schema in
its top-level folders; the distribution maps them into the package as ``gongwen._fonts``,
``gongwen._templates`` and ``gongwen._schema`` (``gongwen/bundled.py`` finds them in either
place). pyproject.toml alone cannot add mapped packages to discovered ones, hence this file.
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {
    "gongwen._fonts": "fonts",
    "gongwen._templates": "templates",
    "gongwen._schema": "schema",
}

setup(
    packages=[*find_namespace_packages(include=["gongwen", "gongwen.*"]), *SHIPPED],
    package_dir=SHIPPED,
)
