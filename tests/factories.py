import factory

from accounts.models import Organisation, User

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: "Provider %d" % n)
    kind = Organisation.Kind.PROVIDER


class UserFactory(factory.django.DjangoModelFactory):
    """A provider by default; `UserFactory(role="assessor")` joins the agency."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: "person%d@example.org" % n)
    name = factory.Faker("name", locale="en_CA")
    role = User.Role.PROVIDER
    organisation = factory.LazyAttribute(
        lambda o: OrganisationFactory(
            name={
                User.Role.PROVIDER: "Northern Lakes College",
                User.Role.REGISTRAR: "Lakeshore University",
            }.get(o.role, "Ontario Micro-credential Assessment Agency"),
            kind={
                User.Role.PROVIDER: Organisation.Kind.PROVIDER,
                User.Role.REGISTRAR: Organisation.Kind.INSTITUTION,
            }.get(o.role, Organisation.Kind.AGENCY),
        )
    )

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
