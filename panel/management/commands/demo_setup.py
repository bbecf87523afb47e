"""`manage.py demo_setup --sandbox-url URL --panel-url URL [--new-key]`: the demo data
`make run` starts with, and the banner that says where the panel is."""

from django.core.management.base import BaseCommand, CommandParser

from panel.demo import set_up_demo


class Command(BaseCommand):
    help = "Register the sandbox upstream, sync it, create an admin and a demo customer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sandbox-url", default="http://127.0.0.1:9000/api/v2")
        parser.add_argument("--panel-url", default="http://127.0.0.1:8000/",
                            help="where the panel answers (shown in the banner)")
        parser.add_argument("--new-key", action="store_true",
                            help="give the demo customer a new API key")

    def handle(self, *args: object, **options: object) -> None:
        set_up_demo(sandbox_url=options["sandbox_url"], panel_url=options["panel_url"],
                    out=self.stdout.write, new_key=bool(options["new_key"]))
