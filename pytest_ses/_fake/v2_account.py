"""SES API v2 account operations: GetAccount and the account-level sending settings."""
