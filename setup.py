"""Packaging glue that pyproject.toml cannot express on its own.

The repository keeps ``notebooks/``, ``dashboards/`` and ``data/`` at its top
level (where researchers open them). The wheel ships the three folders inside
the package, as ``rotacc_lab/_bundled/<folder>/``, so an installed copy finds
them through ``rotacc_lab.resources`` (importlib.resources). Every file in
them is shipped, so a new notebook, dashboard or data folder needs no edit
here. ``jupyter-config/rotacc-lab.json`` goes into the environment's Jupyter
config folder. Everything else about the package is in pyproject.toml.
"""

from setuptools import find_packages, setup

BUNDLED = ("notebooks", "dashboards", "data")

setup(
    packages=find_packages("src") + [f"rotacc_lab._bundled.{name}" for name in BUNDLED],
    package_dir={"": "src", **{f"rotacc_lab._bundled.{name}": name for name in BUNDLED}},
    package_data={
        "rotacc_lab": ["store/*.sql"],
        **{f"rotacc_lab._bundled.{name}": ["**/*"] for name in BUNDLED},
    },
    exclude_package_data={f"rotacc_lab._bundled.{name}": ["**/.ipynb_checkpoints/*", "**/__pycache__/*"]
                          for name in BUNDLED},
    # Jupyter servers of this environment save the project's tracked notebooks without outputs
    # (rotacc_lab.jupyter_hooks)
    data_files=[("etc/jupyter/jupyter_server_config.d", ["jupyter-config/rotacc-lab.json"])],
)
