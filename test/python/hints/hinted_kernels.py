"""Kernels with `#@hint:` comments (FlagTree's syntax) for the hint tests.

Plain Triton ignores the comments; flagtree's tt-apply-hints attaches them to the ops.
"""

import triton
import triton.language as tl


@triton.jit
def scaled_copy(x, y, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    for i in range(0, 4):  #@hint: unroll=2
        off = (pid * 4 + i) * BLOCK + tl.arange(0, BLOCK)
        v = tl.load(x + off, mask=off < n)  # @hint: evict_last
        tl.store(y + off, v * 2, mask=off < n)  #@hint: nontemporal


@triton.jit
def plain_copy(x, y, n, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    for i in range(0, 4):
        off = (pid * 4 + i) * BLOCK + tl.arange(0, BLOCK)
        v = tl.load(x + off, mask=off < n)
        tl.store(y + off, v * 2, mask=off < n)


@triton.jit
def flagtree_names(x, y, n, BLOCK: tl.constexpr):
    off = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    v = tl.load(x + off, mask=off < n)  #@hint: shared_memory
    tl.store(y + off, v, mask=off < n)  # @hint: dma


@triton.jit
def bad_unroll(x, n, BLOCK: tl.constexpr):
    for i in range(0, 4):  #@hint: unroll=zero
        tl.store(x + i, 1.0)
