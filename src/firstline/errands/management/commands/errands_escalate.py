"""Escalate the overdue help requests once each and tell the level above (community → street)."""

from django.core.management.base import BaseCommand

from firstline.errands.services import requests_escalate


class Command(BaseCommand):
    help = "Escalate overdue help requests (each once) and notify the street's coordinators."

    def handle(self, *args, **options):
        escalated = requests_escalate()
        self.stdout.write(f"{len(escalated)} escalated")
