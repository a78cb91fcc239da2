"""Reading an edition's manifest: YAML with source positions, article files, schema checks."""
