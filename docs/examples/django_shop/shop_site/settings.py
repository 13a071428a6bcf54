"""Settings of the example shop, a Django project whose mail goes out through django-ses.

Only what the example needs: one app, no database, and Django's email API
wired to Amazon SES (API v1, ``SendRawEmail``) by django-ses.
"""

SECRET_KEY = "example-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["shop.example"]
USE_TZ = True
ROOT_URLCONF = "shop_site.urls"
INSTALLED_APPS = ["orders"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

# -- mail ------------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = "Birch & Co. <orders@shop.example>"
EMAIL_BACKEND = "django_ses.SESBackend"
AWS_SES_REGION_NAME = "eu-west-1"
# django-ses adds an X-SES-CONFIGURATION-SET header naming this set to every
# message; SES refuses the message if the set does not exist in the region.
AWS_SES_CONFIGURATION_SET = "shop-transactional"
# django-ses's own throttle asks SES for the sending rate and sleeps on the
# wall clock between sends. Leave pacing to SES's Throttling answers and
# botocore's retries instead (which pytest-ses runs on a virtual clock).
AWS_SES_AUTO_THROTTLE = None
# No AWS credentials here: in production boto3 finds them in the environment
# (an instance role, AWS_ACCESS_KEY_ID...). pytest-ses signs nothing, so the
# tests need none.
