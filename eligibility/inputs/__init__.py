"""Reading what people give: files, YAML and JSON, schema validation, profiles, cohorts."""
