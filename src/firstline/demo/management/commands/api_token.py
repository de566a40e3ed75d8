"""Make an API token for a user from the command line; the key is printed once and never stored."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from firstline.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", required=True, help="What will use the token, e.g. 'district dashboard'."
        )

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        # The command line acts as the system: the audit row has no actor.
        _token, key = api_token_create(acting_user=None, user=user, name=name)
        self.stdout.write(key)
