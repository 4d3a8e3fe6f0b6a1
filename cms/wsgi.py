import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()

# What is loaded by now (models, views, the API's schemas: some 220,000 objects) lives as
# long as the process. Frozen, it is left out of the garbage collector's full collections,
# which otherwise scanned all of it and held a request up for about 100 ms each time.
get_resolver().check()  # imports every view module first
gc.collect()
gc.freeze()
