"""Pure dialog logic: parsing, flows and triage, with no I/O."""
