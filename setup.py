"""setuptools: everything is declared in pyproject.toml except the one thing it cannot say.

The icon lives in the repository's top-level ``resources/`` (the design card's place for it);
a wheel carries it as ``desktop_app/resources/`` so that ``pip install`` and ``pipx install``
get it too. pyproject's ``packages.find`` cannot map a folder outside the package, hence this
file. desktop_app/appinfo.py finds the files in either place.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["desktop_app*"]), "desktop_app.resources"],
    package_dir={"desktop_app.resources": "resources"},
    package_data={"desktop_app.resources": ["worthwhile.svg", "worthwhile-16.svg",
                                            "worthwhile-*.png"],
                  "desktop_app": ["prices.json"]},  # the shipped price table
)
