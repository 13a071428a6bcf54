"""SES API v2 configuration sets and event destinations, over the sets v1 uses."""
