"""Figures (matplotlib, Agg backend) and HTML and XLSX reports built from analysis tables."""
