"""`manage.py demo_setup --sandbox-url URL`: the demo data `make run` starts with."""

from django.core.management.base import BaseCommand, CommandParser

from panel.demo import set_up_demo


class Command(BaseCommand):
    help = "Register the sandbox upstream, sync it, create an admin and a demo customer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sandbox-url", default="http://127.0.0.1:9000/api/v2")

    def handle(self, *args: object, **options: object) -> None:
        set_up_demo(sandbox_url=options["sandbox_url"], out=self.stdout.write)
