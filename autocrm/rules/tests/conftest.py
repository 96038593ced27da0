"""Let the pure unit tests of this package run without the project's Django settings.

``pytest autocrm/rules/tests -p no:django`` does not load any settings module. The
validators only need settings when a lazy message is rendered (e.g. in an assertion
message or an error report), so configure a minimal, translation-free setup in that case.
When pytest-django (or DJANGO_SETTINGS_MODULE) provides real settings, nothing is changed.
"""

import os

from django.conf import settings

if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)
