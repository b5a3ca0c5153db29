from __future__ import annotations

from django.urls import path

from tests import views

urlpatterns = [
    path("", views.plain),
    path("api/items/", views.plain),
    path("api/vary/", views.with_vary),
    path("api/echo/", views.echo_meta),
    path("api/broken/", views.broken),
    path("api/options/", views.options_view),
    path("api/async/", views.async_plain),
    path("open/", views.open_view),
    path("exempt/", views.exempt_view),
    path("class/", views.PolicyClassView.as_view()),
    path("public/items/", views.plain),
    path("api/redirect/", views.redirect_elsewhere),
    path("api/private/", views.login_required_view),
    path("api/csrf/", views.csrf_post),
    path("api/missing/", views.not_found),
    path("api/noslash", views.plain),
    path("api/stream/", views.stream),
]
