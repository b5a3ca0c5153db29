"""ROOT_HOSTCONF for tests/test_selection.py: admin.example.com has its own URLconf."""

from __future__ import annotations

from django_hosts import host, patterns

host_patterns = patterns(
    "",
    host(r"admin\.example\.com", "tests.selection_admin_urls", name="admin"),
    host(r"www\.example\.com", "tests.urls", name="www"),
)
