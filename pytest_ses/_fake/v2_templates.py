"""SES API v2 email templates and SendBulkEmail, over the template store v1 uses."""
