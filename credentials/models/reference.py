"""Reference data: the qualifications frameworks and their levels, and the fields of study
(ISCED-F 2013) that micro-credentials and register entries are placed on."""

from django.db import models


class Framework(models.Model):
    """A qualifications framework; its levels are what an assessment places a credential on."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    is_default = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Level(models.Model):
    # The level's public identifier ("OQF-10") is its key: integrators send it as is.
    id = models.CharField(max_length=20, primary_key=True)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["framework__position", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="level_number_unique_in_framework"),
        ]

    def __str__(self):
        return "%s – %s" % (self.id, self.name)


class FieldOfStudy(models.Model):
    """An ISCED-F 2013 detailed field (four digits, e.g. 0413)."""

    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "fields of study"

    def __str__(self):
        return "%s %s" % (self.code, self.name)
