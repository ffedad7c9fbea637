import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accounts import services
from accounts.models import Organisation, Role, User

PASSWORD = "a-long-test-password-1"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda organisation: slugify(organisation.name))
    kind = Organisation.Kind.COMPANY
    country = "BE"
    city = "Brussels"


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-up person with a verified e-mail; `roles` lists the roles granted."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    organisation = factory.SubFactory(OrganisationFactory)
    organisation_confirmed = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if not create:
            return
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        for role in extracted if extracted is not None else [Role.MEMBER]:
            services.role_grant(user=user, role=role, actor=None)
