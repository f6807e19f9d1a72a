"""The cpu backend: Triton kernels compiled through flagtree's shared passes to native code.

Registered with Triton's backend discovery (entry point group `triton.backends`, name `cpu`).
"""

# Import Triton first: its backend discovery imports this package's compiler and driver,
# which must not happen while one of them is half-imported (e.g. `import ...cpu.driver`).
import triton  # noqa: E402,F401

from flagtree import triton_hooks  # noqa: E402

triton_hooks.install()
