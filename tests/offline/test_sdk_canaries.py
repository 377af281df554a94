"""Canaries for the Pulumi SDK internals the offline engine and the program rely on.

Each internal is named in its test's failure message, so an SDK upgrade that changes one fails
here, saying which, instead of somewhere deep in a plan:

- `pulumi.runtime.resource._get_stack_trace`: oncall/offline/engine.py replaces it while a program
runs
  offline (the SDK walks the Python stack for every resource, the mocks ignore the result);
- `pulumi.runtime.config.CONFIG`: oncall/program.py reads every config key the engine passed
  (`pulumi.Config` reads only the keys it is asked for, so a misspelled key would go unnoticed).
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar

import pulumi
from pulumi.runtime import config as runtime_config
from pulumi.runtime import resource as runtime_resource
from pulumi.runtime.proto import source_pb2

from oncall import program
from oncall.offline.engine import run_program


def test_get_stack_trace_is_still_a_function_of_no_arguments_returning_a_stack_trace() -> None:
    internal = "pulumi.runtime.resource._get_stack_trace"
    found = getattr(runtime_resource, "_get_stack_trace", None)

    assert callable(found), (
        f"{internal} is gone: revisit the stack-trace patch in oncall/offline/engine.py"
    )
    assert not inspect.signature(found).parameters, f"{internal} now takes arguments"
    assert isinstance(found(), source_pb2.StackTrace), f"{internal} no longer returns a StackTrace"


def test_get_stack_trace_is_replaced_while_a_program_runs_offline_and_restored_after() -> None:
    internal = "pulumi.runtime.resource._get_stack_trace"
    original = runtime_resource._get_stack_trace
    during: list[object] = []

    run_program(lambda: during.append(runtime_resource._get_stack_trace))

    assert during == [source_pb2.StackTrace], f"{internal} is not the one the engine set"
    assert runtime_resource._get_stack_trace is original, f"{internal} was not restored"


def test_config_is_still_the_context_variable_set_all_config_writes() -> None:
    internal = "pulumi.runtime.config.CONFIG"
    found = getattr(runtime_config, "CONFIG", None)
    assert isinstance(found, ContextVar), f"{internal} is gone: revisit program.project_config"

    def read() -> None:
        assert runtime_config.CONFIG.get() == {"pantheon-oncall:team": "{}"}, internal
        assert program.project_config() == {"team": {}}, internal

    run_program(read, config={"pantheon-oncall:team": "{}"})
    assert pulumi.runtime.config.CONFIG.get() == {}, f"{internal} kept a run's config"
