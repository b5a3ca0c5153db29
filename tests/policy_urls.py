"""URLs for the per-URL and per-view policy tests (``ROOT_URLCONF="tests.policy_urls"``)."""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from tests import policy_views as views

router = SimpleRouter()
router.register("drf/items", views.ItemViewSet, basename="item")

urlpatterns = [
    path("plain/", views.plain),
    path("fn/", views.fn_view),
    path("empty/", views.empty_policy_view),
    path("async-fn/", views.async_fn_view),
    path("exempt/", views.exempt_view),
    path("class/", views.ClassView.as_view()),
    path("subclass/", views.SubClassView.as_view()),
    path("dispatch/", views.DispatchView.as_view()),
    path("drf/private/", views.PrivateAPIView.as_view()),
    path("drf/exempt/", views.ExemptAPIView.as_view()),
    path("drf/above/", views.above_api_view),
    path("drf/below/", views.below_api_view),
    path("drf/undecorated/", views.undecorated_api_view),
    # Under the URL policies the tests configure for ^/u/ and ^/u/inner/.
    path("u/plain/", views.plain),
    path("u/inner/plain/", views.plain),
    path("u/fn/", views.fn_view),
    path("u/empty/", views.empty_policy_view),
    re_path(r"^other/.*$", views.plain),
    *router.urls,
]
