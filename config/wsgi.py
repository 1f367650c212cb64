import os

from django.core.wsgi import get_wsgi_application

# A server runs the production settings unless told otherwise: they refuse to start without
# their secrets, where the development ones would run with DEBUG on and a made-up key.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
