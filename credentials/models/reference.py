"""Reference data: the qualifications frameworks and their levels, and the fields of study
(ISCED-F 2013) that micro-credentials and register entries are placed on.

Each name is kept in English and in French with the data (`name_fr`): the names are the
frameworks' own, not interface text, so they live beside the rows rather than in the message
catalogue. `localized_name` gives the one a reader's language calls for (languages.py).
"""

from django.db import models

from ..languages import Bilingual


class Framework(Bilingual, models.Model):
    """A qualifications framework; its levels are what an assessment places a credential on."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    # Its official French name where one exists, else the English name with a French gloss.
    name_fr = models.CharField(max_length=300, blank=True)
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.localized_name

    @property
    def localized_name(self):
        return self.localized("name")


class Level(Bilingual, models.Model):
    # The level's public identifier ("OQF-10") is its key: integrators send it as is.
    id = models.CharField(max_length=20, primary_key=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    name_fr = models.CharField(max_length=200, blank=True)
    description_fr = models.TextField(blank=True)

    class Meta:
        ordering = ["framework__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="level_number_unique_in_framework"),
        ]

    def __str__(self):
        return "%s – %s" % (self.id, self.localized_name)

    @property
    def localized_name(self):
        return self.localized("name")

    @property
    def localized_description(self):
        return self.localized("description")


class FieldOfStudy(Bilingual, models.Model):
    """An ISCED-F 2013 detailed field (four digits, e.g. 0413); in French, CITE-F 2013."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "fields of study"

    def __str__(self):
        return "%s %s" % (self.code, self.localized_name)

    @property
    def localized_name(self):
        return self.localized("name")
