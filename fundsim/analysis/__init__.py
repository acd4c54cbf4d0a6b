"""Post-processing: tables and comparisons built from scenarios and run results."""
