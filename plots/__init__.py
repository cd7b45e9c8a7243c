"""Figures and report.html drawn from the warehouse's marts (`python -m plots`)."""
