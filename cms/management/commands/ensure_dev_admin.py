"""Create the documented development admin account; refuses to run with DEBUG off."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "ikpe-dev-admin"  # documented in the README; development only


class Command(BaseCommand):
    help = "Create the development superuser admin / ikpe-dev-admin if it does not exist."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create the well-known dev admin account with DEBUG off."
            )
        user_model = get_user_model()
        if user_model.objects.filter(username=USERNAME).exists():
            self.stdout.write(f"Admin account '{USERNAME}' already exists.")
            return
        user_model.objects.create_superuser(USERNAME, "admin@example.org", PASSWORD)
        self.stdout.write(self.style.SUCCESS(f"Created admin account '{USERNAME}' / '{PASSWORD}'."))
