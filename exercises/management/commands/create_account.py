import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from exercises.roles import ANALYST, VIEWER, ensure_roles


class Command(BaseCommand):
    help = "Create a staff account in the Analyst or Viewer group (asks for the password, never a default)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=["analyst", "viewer"], default="analyst")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env", metavar="VAR", help="Read the password from this environment variable instead."
        )

    def handle(self, *args, username, role, email, password_env, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} exists already.")
        if password_env:
            password = os.environ.get(password_env) or ""
            if not password:
                raise CommandError(f"Environment variable {password_env} is empty or not set.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        ensure_roles()
        user.groups.add(Group.objects.get(name=ANALYST if role == "analyst" else VIEWER))
        self.stdout.write(f"Created {role} {username!r}; they can sign in at /admin/.")
