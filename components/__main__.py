"""Entry point of the component package when Pulumi runs it as a plugin for another language.

Pulumi runs this folder as a script, so the folder's parent goes on the import path to import it
as the `components` package. The schema is inferred from the components' type annotations.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi.provider.experimental import component_provider_host

from components import COMPONENTS, PACKAGE_NAME, VERSION

if __name__ == "__main__":
    component_provider_host(components=list(COMPONENTS), name=PACKAGE_NAME, version=VERSION)
