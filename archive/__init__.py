"""The versioned sqlite-utils archive and its Datasette publishing (later issues)."""
