"""Run a Pulumi program offline under the SDK's mock engine and record what it registers.

This is the engine behind `oncall plan` and the test suite. `pulumi preview` needs the
CLI, the provider plugins and real tokens; this needs none of them. It records every resource
(type, name, parent, inputs as the provider would receive them, resource options that matter)
and every invoke (a `Run`, oncall.offline.recorded), so that the plan can be printed and every
registration checked against the providers' published schemas.

Three modes:
- ``preview=True``: ids and outputs of new resources are unknown, exactly as in
  ``pulumi preview``; they print as ``(known after apply)``.
- ``preview=True, references=True`` (the plan): the same, except that an id is a marker naming
  the resource (or the team stack's output) it belongs to, which oncall.offline.markers turns into a
  `Ref`, so that a reviewer reads `escalationPolicy: → team-escalation` instead of an unknown.
- ``preview=False`` (tests): every resource gets the deterministic id ``<name>-id`` and echoes its
  inputs as outputs, so tests can follow which resource another one points at.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import json
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime.proto import source_pb2

from oncall.offline.markers import COMPUTED, Secret, decode, decode_ref, has_ref, ref_id
from oncall.offline.recorded import Invocation, Registration, Run

STACK_REFERENCE = "pulumi:pulumi:StackReference"

# Outputs the providers compute that the program reads back. Outside a preview the mocks fill them
# deterministically (in a preview they stay unknown, as in `pulumi preview`).
COMPUTED_OUTPUTS: dict[str, dict[str, str]] = {
    "pagerduty:index/serviceIntegration:ServiceIntegration": {"integrationKey": "{name}-key"},
    "pagerduty:index/service:Service": {
        "htmlUrl": "https://example.pagerduty.com/service-directory/{name}-id"
    },
    # The synthetics monitor's id (a UUID), apart from its entity GUID (the resource id).
    "newrelic:synthetics/monitor:Monitor": {"monitorId": "{name}-monitor-id"},
    "newrelic:synthetics/certCheckMonitor:CertCheckMonitor": {"monitorId": "{name}-monitor-id"},
}
# Results of lookups that the program reads beyond `id`, by invoke token: filled from the answer's
# id, so they are deterministic outside a preview and name the lookup in one.
COMPUTED_INVOKE_RESULTS: dict[str, dict[str, str]] = {
    "newrelic:index/getEntity:getEntity": {"guid": "{id}-guid"},
}


InvokeHandler = Callable[[str, Mapping[str, Any]], dict[str, Any]]


def default_invoke_results(token: str, args: Mapping[str, Any], preview: bool) -> dict[str, Any]:
    """Offline answers to lookups: deterministic, and unknown in a preview where a real one would
    come from the account."""
    function = token.rsplit(":", 1)[-1]
    described = ", ".join(f"{k}={v}" for k, v in sorted(args.items()))
    result = dict(args)
    # Invoke results cannot be unknown in the SDK, so a preview names the lookup instead.
    result["id"] = (
        f"(looked up: {function} {described})"
        if preview
        else _slug(f"{function}-{described}") + "-id"
    )
    for name, template in COMPUTED_INVOKE_RESULTS.get(token, {}).items():
        result[name] = template.format(id=result["id"])
    return result


class _InlineExecutor(concurrent.futures.ThreadPoolExecutor):
    """Runs what the SDK hands its executor (each call into the mock monitor) at once, on the
    event loop's own thread. The SDK's `_sync_await` pumps a running loop re-entrantly, so nothing
    waits; and a plan then costs no thread start and no handoff per resource, which on a busy
    machine took most of its wall time."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:  # handed to the awaiting coroutine
            future.set_exception(e)
        return future


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, keeping the resource options it otherwise drops."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self._recorder = mocks
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def _track_thread_loop(self) -> None:
        # The SDK gives each worker thread an event loop of its own and never closes it; left to
        # the garbage collector at interpreter exit, it fails noisily. Closed after the run.
        try:
            self.thread_loops.add(asyncio.get_event_loop())
        except RuntimeError:
            return  # this thread has no loop of its own: nothing to close

    def Invoke(self, request: Any) -> Any:  # noqa: N802 (the gRPC method name)
        self._track_thread_loop()
        return super().Invoke(request)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (the gRPC method name)
        self._track_thread_loop()
        if request.type != "pulumi:pulumi:Stack":
            self._recorder.options[(request.type, request.name)] = {
                "parent_urn": request.parent,
                "custom": bool(request.custom),
                "import_id": request.importId or None,
                "protect": bool(request.protect),
                "retain_on_delete": bool(request.retainOnDelete),
                "additional_secret_outputs": tuple(request.additionalSecretOutputs),
                "aliases": tuple(self._alias_urn(request, a) for a in request.aliases),
                "property_dependencies": {
                    key: tuple(deps.urns)
                    for key, deps in request.propertyDependencies.items()
                    if deps.urns
                },
                "ignore_changes": tuple(request.ignoreChanges),
                "urn": self.make_urn(request.parent, request.type, request.name),
            }
        return super().RegisterResource(request)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The URN the engine gives a resource: under a parent, the parent's whole qualified type
        (`A$B$C`), of which the SDK's mock keeps only the last part (`B$C`)."""
        if parent:
            qualified = parent.split("::")[2]
            if qualified != "pulumi:pulumi:Stack":
                type_ = f"{qualified}${type_}"
        return super().make_urn("", type_, name)

    def _alias_urn(self, request: Any, alias: Any) -> str:
        """An alias as the URN it stands for: a spec's unset parts are the resource's own."""
        if alias.WhichOneof("alias") == "urn":
            return str(alias.urn)
        spec = alias.spec
        parent = "" if spec.noParent else (spec.parentUrn or request.parent)
        return self.make_urn(parent, spec.type or request.type, spec.name or request.name)


class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that record registrations and invokes; thread-safe (the SDK calls from threads)."""

    def __init__(
        self,
        preview: bool,
        invoke_handler: InvokeHandler | None = None,
        stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
        references: tuple[str, ...] | None = None,
    ) -> None:
        self.preview = preview
        self.references = references
        """When set (a plan): ids are `Ref` markers, and a StackReference answers these output
        names with markers of its outputs."""
        self.invoke_handler = invoke_handler
        self.stack_outputs = stack_outputs or {}
        self.options: dict[tuple[str, str], dict[str, Any]] = {}
        self.warnings: list[str] = []
        self._lock = threading.Lock()
        self._resources: list[tuple[str, str, dict[str, Any]]] = []
        self._invokes: list[Invocation] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        """Record a registration and answer as the engine would: when planning, references to
        what the resource computes; otherwise an id and computed outputs (unknown in a preview).
        A stack reference answers with the outputs of the stack it names."""
        inputs = dict(args.inputs)
        with self._lock:
            self._resources.append((args.typ, args.name, inputs))
        if args.typ == STACK_REFERENCE:
            name = inputs.get("name", args.name)
            outputs = self.stack_outputs.get(name)
            if outputs is None and self.references is not None:
                outputs = {output: ref_id(name, output) for output in self.references}
            if outputs is None:
                return (None if self.preview else f"{name}", {"name": name})
            return (name, {"name": name, "outputs": dict(outputs), "secretOutputNames": []})
        if self.references is not None:
            # What the provider computes reads as a reference to it too (a monitor's monitorId
            # inside an NRQL query): the plan shows what a value comes from, not "unknown".
            target = f"{args.typ}::{args.name}"
            computed = {k: ref_id(target, k) for k in COMPUTED_OUTPUTS.get(args.typ, {})}
            return (ref_id(target), computed | inputs)
        if args.resource_id:
            return (args.resource_id, inputs)
        if self.preview:
            return (None, inputs)
        computed = COMPUTED_OUTPUTS.get(args.typ, {})
        outputs = {k: v.format(name=args.name) for k, v in computed.items()} | inputs
        return (f"{args.name}-id", outputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        """Record an invoke; answer with the handler's result, or the default lookups'
        (oncall.offline.engine.default_invoke_results)."""
        call_args = dict(args.args)
        with self._lock:
            self._invokes.append(Invocation(args.token, decode(call_args)))
        if self.invoke_handler is not None:
            return self.invoke_handler(args.token, call_args), []
        return default_invoke_results(args.token, call_args, self.preview), []

    def to_run(self, outputs: dict[str, Any]) -> Run:
        """The run as data: every registration with its options, the invokes, and the stack's
        outputs."""
        registrations = []
        for type_, name, inputs in self._resources:
            opts = self.options.get((type_, name), {})
            registrations.append(
                Registration(
                    type=type_,
                    name=name,
                    urn=opts.get("urn", ""),
                    parent_urn=opts.get("parent_urn", ""),
                    inputs=decode(inputs),
                    custom=opts.get("custom", True),
                    import_id=opts.get("import_id"),
                    protect=opts.get("protect", False),
                    retain_on_delete=opts.get("retain_on_delete", False),
                    additional_secret_outputs=opts.get("additional_secret_outputs", ()),
                    aliases=opts.get("aliases", ()),
                    property_dependencies=opts.get("property_dependencies", {}),
                    ignore_changes=opts.get("ignore_changes", ()),
                )
            )
        registrations.sort(key=lambda r: r.urn)
        invokes = sorted(self._invokes, key=lambda i: (i.token, json.dumps(i.args, default=str)))
        return Run(registrations, invokes, outputs, sorted(self.warnings))


@contextmanager
def mocked_runtime(
    *,
    project: str = "pantheon-oncall",
    stack: str = "test",
    preview: bool = False,
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    invoke_handler: InvokeHandler | None = None,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    references: tuple[str, ...] | None = None,
) -> Iterator[RecordingMocks]:
    """Install recording mocks (and the given raw config) for one program run, then reset.

    ``config`` maps full keys (``"pantheon-oncall:site"``) to the raw strings the engine passes a
    program: structured values JSON-encoded, as ``pulumi`` itself does. ``references`` (a plan):
    ids are `Ref` markers, and stack references answer those output names (see RecordingMocks).

    Everything is reset afterwards, so that one process can run program after program (`oncall
    plan --all`): nothing of a run outlives it.
    """
    loop = asyncio.new_event_loop()
    loop.set_default_executor(_InlineExecutor())
    asyncio.set_event_loop(loop)
    mocks = RecordingMocks(preview, invoke_handler, stack_outputs, references)
    monitor = _RecordingMonitor(mocks)
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys or []))
    # The SDK walks the Python stack for every resource to tell the engine where it was declared;
    # the mocks ignore it, and it is the largest cost of a plan after the imports.
    stack_trace = runtime_resource._get_stack_trace
    runtime_resource._get_stack_trace = source_pb2.StackTrace
    try:
        pulumi.runtime.set_mocks(
            mocks,
            project=project,
            stack=stack,
            preview=preview,
            monitor=monitor,
            logger=_program_log(mocks),
        )
        yield mocks
    finally:
        runtime_resource._get_stack_trace = stack_trace
        pulumi.runtime.reset_options()
        pulumi.runtime.set_all_config({}, [])
        loop.run_until_complete(loop.shutdown_default_executor())
        for thread_loop in monitor.thread_loops - {loop}:
            thread_loop.close()
        asyncio.set_event_loop(None)
        loop.close()


def _program_log(mocks: RecordingMocks) -> logging.Logger:
    """A logger of the program's own messages (`pulumi.log.*`) that keeps its warnings in the
    run instead of printing them; errors are raised to the caller anyway."""

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno == logging.WARNING:
                mocks.warnings.append(record.getMessage())

    # Not logging.getLogger: the logging module keeps every logger it names for good, and with it
    # this run's mocks. A logger of our own goes with the run.
    logger = logging.Logger(f"{__name__}.program")
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    logger.handlers = [Keep()]
    return logger


def run_program(program: Callable[[], None], **kwargs: Any) -> Run:
    """Run ``program`` under recording mocks (see `mocked_runtime` for the keywords) and return
    what it registered and exported, with every RPC settled.

    Exceptions raised by the program (a config error, a component's ValueError) propagate.
    """
    from pulumi.runtime.stack import run_pulumi_func

    with mocked_runtime(**kwargs) as mocks:
        loop = asyncio.get_event_loop()
        try:
            loop.run_until_complete(run_pulumi_func(program))
        except BaseException:
            # A program that fails inside an apply leaves other Outputs failed with the same
            # error, which nobody awaits; collect them now, while this run's loop is current,
            # rather than at an arbitrary later point of the caller's process.
            gc.collect()
            raise
        root = pulumi.runtime.get_root_resource()
        exported = dict(getattr(root, "outputs", {}) or {})
        outputs = {k: loop.run_until_complete(resolve(v)) for k, v in sorted(exported.items())}
        return mocks.to_run(outputs)


async def resolve(value: Any) -> Any:
    """Settle an Output (or plain value) into plain data with `Secret`/`COMPUTED` markers."""
    if isinstance(value, pulumi.Output):
        known = await value.is_known()
        secret = await value.is_secret()
        inner = await value.future(with_unknowns=True) if known else COMPUTED
        inner = await resolve(inner)
        return Secret(inner) if secret else inner
    if isinstance(value, Unknown):
        return COMPUTED
    if isinstance(value, str) and has_ref(value):
        return decode_ref(value)
    if isinstance(value, Mapping):
        return {k: await resolve(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [await resolve(v) for v in value]
    return value


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
