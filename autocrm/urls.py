"""URL routes."""

from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language via cookie, not prefix)
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView  # noqa: F401

from autocrm.core import token_views
from autocrm.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("accounts/", include("autocrm.web.auth_urls")),
    path("accounts/tokens/", token_views.tokens, name="tokens"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("customers/", include("autocrm.customers.urls")),
    path("quality/", include("autocrm.quality.urls")),
    path("imports/", include("autocrm.imports.urls")),
    path("duplicates/", include("autocrm.matching.urls")),
    path("sales/", include("autocrm.sales.urls")),
    path("settings/", include("autocrm.core.urls")),
    path("api/", include("autocrm.core.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
