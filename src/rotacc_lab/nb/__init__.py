"""Notebook support, by concern: ``params`` (validation), ``progress``, ``display``, ``run`` (papermill, HTML)."""
