"""The Django project of the example shop: settings and URLs."""
