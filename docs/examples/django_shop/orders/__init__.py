"""The orders app: checkout, and the confirmation mail with its PDF invoice."""
