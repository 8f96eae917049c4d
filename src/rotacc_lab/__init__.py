"""rotacc-lab: an analytical workbench for planning medical rotas."""

__version__ = "0.1.0"
