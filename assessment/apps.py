from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "Casework"

    def ready(self):
        from credentials.signals import assessment_revoked

        from . import notifications

        assessment_revoked.connect(notifications.on_assessment_revoked, dispatch_uid="assessment-revoked-notice")
