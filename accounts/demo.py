"""Demo organisations and one person per role, for a first look at the platform."""

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.text import slugify

from accounts import services
from accounts.models import Organisation, Role, User

DEMO_PASSWORD = "marketplace-demo-2026"  # noqa: S105 - documented demo login, never in production

ORGANISATIONS = [
    ("City of Eindhoven", Organisation.Kind.CITY, "NL", "Eindhoven"),
    ("Catalan Energy Agency", Organisation.Kind.PUBLIC_AUTHORITY, "ES", "Barcelona"),
    ("Nordic Grid Services", Organisation.Kind.COMPANY, "SE", "Stockholm"),
    ("Mobilytics", Organisation.Kind.SME, "DE", "Cologne"),
    ("Urban Systems Research Institute", Organisation.Kind.RESEARCH, "AT", "Graz"),
    ("Citizens for Clean Air", Organisation.Kind.NGO, "IT", "Milan"),
    ("Greenbridge Infrastructure Fund", Organisation.Kind.INVESTOR, "LU", "Luxembourg"),
    ("Baltic Cooperative Bank", Organisation.Kind.BANK, "LT", "Vilnius"),
    ("Regional Development Finance Agency", Organisation.Kind.PUBLIC_FINANCE, "PT", "Lisbon"),
]

# (e-mail, name, organisation, roles)
PEOPLE = [
    ("member@example.org", "Mira Member", "Urban Systems Research Institute", [Role.MEMBER]),
    ("promoter@example.org", "Pieter Promoter", "City of Eindhoven", [Role.MEMBER, Role.PROMOTER]),
    (
        "investor@example.org",
        "Ines Investor",
        "Greenbridge Infrastructure Fund",
        [Role.MEMBER, Role.INVESTOR],
    ),
    ("curator@example.org", "Carla Curator", "Catalan Energy Agency", [Role.MEMBER, Role.CURATOR]),
]


@transaction.atomic
def load() -> list[tuple[str, list[str]]]:
    """Create or refresh the demo data; returns the logins made, with their roles."""
    organisations = {
        name: Organisation.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "country": country,
                "city": city,
                "verified": True,
                "slug": slugify(name),
            },
        )[0]
        for name, kind, country, city in ORGANISATIONS
    }
    logins = []
    for email, name, organisation_name, roles in PEOPLE:
        user = _demo_user(email, name, organisations[organisation_name])
        for role in roles:
            services.role_grant(user=user, role=role, actor=None)
        logins.append((email, [str(role.label) for role in roles]))
    return logins


def _demo_user(email: str, name: str, organisation: Organisation) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"name": name, "organisation": organisation, "organisation_confirmed": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
