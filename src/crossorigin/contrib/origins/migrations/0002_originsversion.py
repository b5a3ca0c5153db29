"""The one-row version table that tells every process the allowed origins changed."""

from typing import Any

from django.db import migrations, models


def create_the_row(apps: Any, schema_editor: Any) -> None:
    version = apps.get_model("crossorigin_origins", "OriginsVersion")
    version.objects.using(schema_editor.connection.alias).get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("crossorigin_origins", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="OriginsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "allowed origins version",
                "verbose_name_plural": "allowed origins versions",
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
