"""SES API v2 tagging: TagResource, UntagResource, ListTagsForResource."""
