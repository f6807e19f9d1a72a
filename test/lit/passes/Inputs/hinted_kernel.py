# A kernel source with hints; tt-apply-hints.mlir points its ops' locations at these lines.
@triton.jit
def hinted(x, y, n, BLOCK: tl.constexpr):
    for i in range(0, 4):  #@hint: unroll=2
        v = tl.load(x + i)  # @hint: evict_last, shared_memory
        tl.store(y + i, v)  #@hint: nontemporal
    for j in range(0, 4):  # @hint: num_stages=3
        tl.store(y + j, tl.load(x + j))
