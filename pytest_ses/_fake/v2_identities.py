"""SES API v2 identity operations over the identities v1 verifies (one store, two APIs)."""
