"""The signed letters of register entries, one row per version."""

from django.db import models
from django.utils import timezone

from .register import Assessment


class Letter(models.Model):
    """One signed version of an assessment's letter. Versions are never replaced: an old
    version still verifies as authentic, and as superseded, for as long as the register lives."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="letters")
    version = models.PositiveSmallIntegerField()
    # In the default storage (MEDIA_ROOT or the private bucket, config/object_storage.py), which
    # no URL serves: the letter view finds the file by its assessment.
    file = models.FileField(upload_to="letters/%Y/", max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "version"], name="letter_version_unique"),
        ]

    def __str__(self):
        return "%s v%d" % (self.assessment.reference, self.version)
