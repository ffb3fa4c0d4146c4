"""The local stack's EventBridge schedules: what EventBridge does for a function whose template event is a
Schedule (the recovery function's `rate(1 minute)`). Served, each runs every RUN_SECONDS (a second: a recovery
completes within a second of its hold's end, where AWS takes up to a minute); in tests, `run` invokes them on
demand. Each invocation runs as the function (its own container, its AWS calls checked against its own role),
under the dispatch lock, with the scheduled event EventBridge sends."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from devserver.apigw import LambdaContext, load_handler
from devserver.repeating import Repeating
from devserver.template import Route

if TYPE_CHECKING:
    from devserver.server import LocalStack

RUN_SECONDS = 1.0


class Schedules:
    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        functions = stack.template.functions()
        self._routes = {
            function: Route(
                method="",
                path="",
                function=function,
                code_uri=stack.template_root / str(functions[function]["Properties"]["CodeUri"]),
                handler=str(functions[function]["Properties"]["Handler"]),
                iam_auth=False,
            )
            for function in stack.template.schedules()
        }
        self._loop = Repeating("schedules", RUN_SECONDS, self.run)

    def run(self) -> dict[str, Any]:
        """Invoke every scheduled function once, as its schedule would; what each answered."""
        answers: dict[str, Any] = {}
        for function, route in self._routes.items():
            with self._stack.lock:
                answers[function] = self._stack.as_function(function, partial(self._invoke, function, route))
        return answers

    def _invoke(self, function: str, route: Route) -> Any:
        event = {
            "version": "0",
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "region": self._stack.region,
            "resources": [],
            "detail": {},
        }
        return load_handler(route)(event, LambdaContext(function_name=function))

    def run_in_background(self, on_error: Callable[[BaseException], None]) -> None:
        self._loop.start(on_error)

    def stop(self) -> None:
        self._loop.stop()
