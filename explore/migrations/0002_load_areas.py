"""Load the eleven cross-cutting areas that every part of the platform tags with."""

from django.db import migrations

AREAS = [
    ("sustainable-urban-mobility", "Sustainable urban mobility",
     "Public transport, active travel, shared and electric mobility, logistics and the data that ties them together."),
    ("sustainable-districts-built-environment", "Sustainable districts and built environment",
     "Retrofitting buildings and whole neighbourhoods, positive-energy districts, green and liveable public space."),
    ("integrated-infrastructures", "Integrated infrastructures and processes in energy, ICT and transport",
     "Networks planned and run together: smart grids, heat networks, charging, street lighting and the platforms behind them."),
    ("citizen-focus", "Citizen focus",
     "Involving residents in design and decisions, inclusion, digital skills and services that people actually use."),
    ("policy-regulation", "Policy and regulation",
     "Rules, permits and political commitments that let smart-city projects happen and last."),
    ("integrated-planning-management", "Integrated planning and management",
     "Planning across departments and sectors, with shared targets, budgets and governance."),
    ("knowledge-sharing", "Knowledge sharing",
     "Peer learning between cities, replication of what worked and honest accounts of what did not."),
    ("baselines-indicators-metrics", "Baselines, performance indicators and metrics",
     "Measuring where a city starts, what a project changes and whether targets are met."),
    ("open-data-governance", "Open data governance",
     "Publishing, sharing and protecting urban data, and the platforms and agreements that make it usable."),
    ("standards", "Standards",
     "Common specifications and interoperability so that solutions can be bought, connected and replicated."),
    ("business-models-procurement-funding", "Business models, procurement and funding",
     "Revenue models, innovative procurement and the mix of public and private finance that makes projects bankable."),
]


def load_areas(apps, schema_editor):
    Area = apps.get_model("explore", "Area")
    for position, (slug, name, description) in enumerate(AREAS, start=1):
        Area.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def unload_areas(apps, schema_editor):
    Area = apps.get_model("explore", "Area")
    Area.objects.filter(slug__in=[slug for slug, _name, _description in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("explore", "0001_initial")]

    operations = [migrations.RunPython(load_areas, unload_areas)]
