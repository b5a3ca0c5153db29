# The demo's one table (created by `python -m demo`, which runs migrate).

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Note",
            fields=[
                ("id", models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(default="", max_length=200)),
                ("updated", models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
