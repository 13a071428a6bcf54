"""The stateful fake of Amazon SES: SES semantics only, no HTTP, no botocore, no pytest."""
