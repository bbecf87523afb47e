"""`manage.py run_sandbox --port 9000 [--host H] [--services N] [--latency MS] [--speed X]
[--key K] [--quiet]`.

Runs the sandbox upstream in the foreground until Ctrl-C, printing its endpoints and key.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from provider.sandbox import KnobError, Knobs, SandboxServer, SandboxState

# option name -> knob name
_KNOB_OPTIONS = {"services": "services", "latency": "latency_ms", "speed": "speed", "key": "key"}


class Command(BaseCommand):
    help = "Run the sandbox HstockPlus upstream (in memory) until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=9000, help="Port to listen on.")
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--services", type=int, help="Catalog size (default 40).")
        parser.add_argument("--latency", type=int, help="Milliseconds added to every call.")
        parser.add_argument("--speed", type=float, help="Sandbox seconds per real second.")
        parser.add_argument("--key", help="The API key to accept.")
        parser.add_argument("--quiet", action="store_true", help="Do not log requests.")

    def handle(self, *args: object, **options: object) -> None:
        server = self._server(options)
        self._announce(server)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Sandbox stopped.")
        finally:
            server.stop()

    def _server(self, options: dict[str, object]) -> SandboxServer:
        changes = {knob: options[option] for option, knob in _KNOB_OPTIONS.items()
                   if options[option] is not None}
        host, port = str(options["host"]), int(str(options["port"]))
        try:
            state = SandboxState(Knobs().with_changes(**changes))
            return SandboxServer(state, host=host, port=port, quiet=bool(options["quiet"]))
        except KnobError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc

    def _announce(self, server: SandboxServer) -> None:
        knobs = server.state.knobs
        self.stdout.write(f"Sandbox HstockPlus API: {server.url}")
        self.stdout.write(f"Standard dialect API:   {server.standard_url}")
        self.stdout.write(f"Control endpoints:      {server.control_url}/")
        self.stdout.write(f"API key: {knobs.key}")
        self.stdout.write(f"{knobs.services} services, speed {knobs.speed}x, "
                          f"latency {knobs.latency_ms} ms. Ctrl-C to stop.")
        self.stdout.flush()
