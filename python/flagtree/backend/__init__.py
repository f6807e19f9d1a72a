"""flagtree's backend interface (version INTERFACE_VERSION): declaring, finding and selecting backends.

A backend is a `Backend` subclass (interface.py) registered by entry point (registry.py).
"""

from flagtree.backend.capabilities import (
    KNOWN_ATOMICS,
    KNOWN_DTYPES,
    KNOWN_FEATURES,
    Capabilities,
    CapabilityError,
    DotCapability,
)
from flagtree.backend.interface import (
    ENTRY_POINT_GROUP,
    INTERFACE_VERSION,
    SUPPORTED_INTERFACE_VERSIONS,
    Backend,
    IRLevel,
    Target,
    problems,
)
from flagtree.backend.registry import (
    BackendError,
    BackendRecord,
    FlagtreePluginWarning,
    get_backend,
    list_backends,
)
from flagtree.backend.selection import (
    backend_for_arguments,
    current_backend,
    set_backend,
    use_backend,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "INTERFACE_VERSION",
    "KNOWN_ATOMICS",
    "KNOWN_DTYPES",
    "KNOWN_FEATURES",
    "SUPPORTED_INTERFACE_VERSIONS",
    "Backend",
    "BackendError",
    "BackendRecord",
    "Capabilities",
    "CapabilityError",
    "DotCapability",
    "FlagtreePluginWarning",
    "IRLevel",
    "Target",
    "backend_for_arguments",
    "current_backend",
    "get_backend",
    "list_backends",
    "problems",
    "set_backend",
    "use_backend",
]
