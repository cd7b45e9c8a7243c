"""Land raw `GET /api/models` responses from the Hugging Face Hub in DuckDB."""
