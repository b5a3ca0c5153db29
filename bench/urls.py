"""No URLs: the micro benchmark calls the view directly (see ``bench.chain``)."""

from __future__ import annotations

urlpatterns: list[object] = []
