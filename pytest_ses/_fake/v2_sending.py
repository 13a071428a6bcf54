"""SES API v2 SendEmail: Simple, Raw and Template content through the send path v1 uses."""
