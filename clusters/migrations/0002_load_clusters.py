"""Load the six action clusters and tag each with the areas it covers."""

from django.db import migrations

CLUSTERS = [
    (
        "business-models-finance-procurement",
        "Business Models, Finance and Procurement",
        "Bankable projects, innovative procurement and the finance that scales them.",
        "Cities, companies and financiers work out revenue models, joint and innovative "
        "procurement and the mix of public and private money that takes smart-city "
        "solutions from pilot to city-wide.",
        ["business-models-procurement-funding"],
    ),
    (
        "citizen-focus",
        "Citizen Focus",
        "Residents at the centre of the design, decisions and services of their city.",
        "Co-creation, participation and inclusion: methods and tools that involve people "
        "in shaping smart-city projects and make sure the results serve everyone.",
        ["citizen-focus", "knowledge-sharing"],
    ),
    (
        "integrated-infrastructures-processes",
        "Integrated Infrastructures and Processes",
        "Energy, ICT and transport networks planned, built and run together.",
        "Urban platforms, open data, standards and shared infrastructure such as smart "
        "poles and charging that let services work together across sectors.",
        ["integrated-infrastructures", "open-data-governance", "standards"],
    ),
    (
        "integrated-planning-policy-regulation",
        "Integrated Planning, Policy and Regulation",
        "Plans, rules and governance that let smart-city projects happen and last.",
        "Integrated planning across departments, the regulation and political commitments "
        "behind it, and the baselines and indicators that show progress.",
        ["policy-regulation", "integrated-planning-management", "baselines-indicators-metrics"],
    ),
    (
        "sustainable-districts-built-environment",
        "Sustainable Districts and Built Environment",
        "Positive-energy districts, retrofitted buildings and liveable neighbourhoods.",
        "Renovating buildings and whole districts at scale, positive-energy blocks and "
        "nature-based solutions in the built environment.",
        ["sustainable-districts-built-environment"],
    ),
    (
        "sustainable-urban-mobility",
        "Sustainable Urban Mobility",
        "Clean, shared and connected ways to move people and goods.",
        "Electric and shared mobility, public transport, active travel, urban logistics "
        "and the data and infrastructure behind them.",
        ["sustainable-urban-mobility"],
    ),
]


def load_clusters(apps, schema_editor):
    ActionCluster = apps.get_model("clusters", "ActionCluster")
    Area = apps.get_model("explore", "Area")
    for position, (slug, name, summary, description, area_slugs) in enumerate(CLUSTERS, 1):
        cluster, _created = ActionCluster.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "summary": summary,
                "description": description,
                "position": position,
            },
        )
        cluster.areas.set(Area.objects.filter(slug__in=area_slugs))


def unload_clusters(apps, schema_editor):
    ActionCluster = apps.get_model("clusters", "ActionCluster")
    ActionCluster.objects.filter(slug__in=[row[0] for row in CLUSTERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("clusters", "0001_initial"), ("explore", "0002_load_areas")]

    operations = [migrations.RunPython(load_clusters, unload_clusters)]
