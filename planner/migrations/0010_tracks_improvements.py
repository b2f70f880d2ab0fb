from django.db import migrations, models


def mark_tracking_projects(apps, schema_editor):
    """Projects that already track improvement items keep them in step on every save."""
    Project = apps.get_model("planner", "Project")
    ImprovementItem = apps.get_model("planner", "ImprovementItem")
    tracking = ImprovementItem.objects.values("project_id")
    Project.objects.filter(pk__in=tracking).update(tracks_improvements=True)


class Migration(migrations.Migration):
    dependencies = [
        ("planner", "0009_milestones"),
    ]

    operations = [
        migrations.AddField(
            model_name="project",
            name="tracks_improvements",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_tracking_projects, migrations.RunPython.noop),
    ]
