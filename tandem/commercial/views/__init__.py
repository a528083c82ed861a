"""Commercial pages: thin views over the commercial selectors and services."""
