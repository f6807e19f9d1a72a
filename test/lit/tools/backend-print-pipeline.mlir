// `--backend NAME --print-pipeline` lists the shared phases and, at each anchor, the passes
// the backend inserts there; it stops where the backend takes over.
// RUN: flagtree-opt --backend cpu --print-pipeline | FileCheck %s --check-prefix=CPU
// RUN: flagtree-opt --backend nvidia --print-pipeline | FileCheck %s --check-prefix=NVIDIA
// RUN: flagtree-opt --print-pipeline --dump-after linalg | FileCheck %s --check-prefix=SHARED

// CPU: // flagtree pipeline of backend 'cpu'
// CPU: // phase ttir-cleanup:
// CPU-NEXT: tt-apply-hints{backend=cpu}
// CPU-NEXT: // anchor ttir
// CPU: // phase to-linalg:
// CPU-NEXT: tt-to-linalg
// CPU: // anchor linalg
// CPU: // anchor before-bufferize
// CPU: convert-bufferization-to-memref
// CPU-NEXT: // anchor memref: passes of backend 'cpu'
// CPU-NEXT: func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4194304 max-rank-of-allocated-memref=8})
// CPU: convert-linalg-to-loops
// CPU-NEXT: // anchor loops: passes of backend 'cpu'
// CPU-NEXT: flagtree-expand-math
// CPU: // anchor before-llvm
// CPU: reconcile-unrealized-casts
// CPU-NEXT: // anchor llvm
// CPU-NEXT: // backend 'cpu' takes over at llvm (anchor llvm)

// NVIDIA: tt-apply-hints{backend=nvidia}
// NVIDIA-NEXT: // anchor ttir
// NVIDIA-NEXT: // backend 'nvidia' takes over at ttir (anchor ttir)
// NVIDIA-NOT: tt-to-linalg

// SHARED: // flagtree pipeline of backend '(none)'
// SHARED-NEXT: // phase ttir-cleanup:
// SHARED-NEXT: {{^}}  tt-apply-hints{{$}}
// SHARED: // anchor linalg
// SHARED-NOT: linalg-fuse-elementwise-ops
