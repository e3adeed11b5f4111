"""Files in and out of the service: the station's patient lists (import), line lists and declarations (export)."""
