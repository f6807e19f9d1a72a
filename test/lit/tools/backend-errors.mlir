// Mistakes with --backend / --dump-after are one-line errors with exit status 1.
// RUN: not flagtree-opt %S/Inputs/vector-add.ttir --backend nosuch 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not flagtree-opt %S/Inputs/vector-add.ttir --dump-after nowhere 2>&1 | FileCheck %s --check-prefix=ANCHOR
// RUN: not flagtree-opt %S/Inputs/vector-add.ttir --backend cpu --cse 2>&1 | FileCheck %s --check-prefix=MIXED
// RUN: not flagtree-opt %S/Inputs/vector-add.ttir --backend nvidia --dump-after linalg 2>&1 | FileCheck %s --check-prefix=LATE
// RUN: not flagtree-opt %s --backend cpu --dump-after linalg 2>&1 | FileCheck %s --check-prefix=FAIL

// UNKNOWN: flagtree-opt: error: unknown backend 'nosuch'; installed: cpu (runnable: cpu:{{.*}}), nvidia (compile-only: cuda:90{{.*}}), amd (compile-only: hip:gfx942
// ANCHOR: flagtree-opt: error: argument --dump-after: invalid choice: 'nowhere' (choose from {{.*}}'ttir', 'linalg'
// MIXED: flagtree-opt: error: passes cannot be combined with --backend
// LATE: flagtree-opt: error: backend 'nvidia' takes over at anchor 'ttir'; no IR at 'linalg'
// A pass failing inside the pipeline reports the op's location, like any pass.
// FAIL: backend-errors.mlir:[[@LINE+2]]:{{[0-9]+}}: error: pass 'tt-to-linalg' failed: 'tt.elementwise_inline_asm' is not supported
tt.func @asm(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %x : tensor<4xf32> -> tensor<4xf32>
  tt.return %0 : tensor<4xf32>
}
