from __future__ import annotations

from django.urls import path

from demo import views

urlpatterns = [
    path("", views.index),
    path("api/simple/", views.simple),
    path("api/notes/<int:pk>/", views.note),
    path("api/whoami/", views.whoami),
    path("api/exposed/", views.exposed),
    path("api/public/", views.public),
    path("api/partner/", views.partner),
    path("api/wildcard/", views.wildcard),
    path("explain/", views.explain),
]
