"""Identity notifications: SNS topics per identity, feedback forwarding, notification JSON."""
