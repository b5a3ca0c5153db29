"""One table in the embedded SQLite database, written by the preflighted PUT."""

from __future__ import annotations

from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200, default="")
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.text
