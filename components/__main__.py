"""Entry point of the component package when Pulumi runs it as a plugin for another language.

Pulumi runs this folder as a script, so the folder's parent goes on the import path to import it
as the `components` package. The schema is inferred from the components' type annotations.

This is `component_provider_host` (pulumi.provider.experimental) with one change: the SDK's
`ComponentProvider.construct` wraps every exception a component raises in `ComponentInitError`,
which the provider server reports as a message with a Python traceback appended, even for a
`pulumi.InputPropertiesError`. Unwrapped, that error reaches the engine as it is meant to: one
property path and reason per bad input (tests/components/test_provider_host.py checks it over gRPC).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
from pulumi.provider import ConstructResult, main
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

from components import COMPONENTS, PACKAGE_NAME, VERSION


class _Provider(ComponentProvider):
    """The SDK's component provider; bad inputs are reported as input-property errors."""

    def construct(
        self,
        name: str,
        resource_type: str,
        inputs: pulumi.Inputs,
        options: pulumi.ResourceOptions | None = None,
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except ComponentInitError as error:
            if isinstance(error.inner, pulumi.InputPropertiesError):
                raise error.inner from None
            raise


if __name__ == "__main__":
    main(_Provider(list(COMPONENTS), PACKAGE_NAME, version=VERSION), sys.argv[1:])
