"""Renderers of the report model for the terminal (exporters live in workflows.export)."""
