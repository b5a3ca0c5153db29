"""The signal that a committed transaction changed the allowed origins.

Sent by ``models.bump`` after the commit; the store connects to it so the process that
made the change reloads at its next request. A module of its own so the store (which
may be imported before the apps are ready) can listen without importing the models.
"""

from __future__ import annotations

from typing import Final

from django.dispatch import Signal

# Sent once per committed transaction that bumped the version (sender: OriginsVersion).
origins_committed: Final = Signal()
