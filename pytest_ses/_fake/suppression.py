"""The account-level suppression list (SES API v2) and the sends it stops."""
