// Ops the lowering does not support fail with a located error, never a crash.
// RUN: not flagtree-opt %s --split-input-file --tt-to-linalg 2>&1 | FileCheck %s

// CHECK: tt-to-linalg-unsupported.mlir:[[@LINE+2]]:{{[0-9]+}}: error: pass 'tt-to-linalg' failed: 'tt.elementwise_inline_asm' is not supported by the CPU lowering yet
tt.func @asm(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %x : tensor<4xf32> -> tensor<4xf32>
  tt.return %0 : tensor<4xf32>
}

// -----

// CHECK: tt-to-linalg-unsupported.mlir:[[@LINE+2]]:{{[0-9]+}}: error: pass 'tt-to-linalg' failed: external function '__nv_frobnicate' has no CPU implementation
tt.func @extern(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tt.extern_elementwise %x {libname = "", libpath = "", pure = true, symbol = "__nv_frobnicate"} : (tensor<4xf32>) -> tensor<4xf32>
  tt.return %0 : tensor<4xf32>
}
