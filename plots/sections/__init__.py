"""The report's parts, one module each: its figures (loaders, drawings, tables), its typed facts
and its prose, exposed as one `PART`. plots/contents.py lists them in the report's order."""
