// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// The default address space (1) is not printed; others are.
// CHECK-LABEL: tt.func @pointer_types
// CHECK-SAME: !tt.ptr<f32>
// CHECK-SAME: !tt.ptr<f16, 3>
// CHECK-SAME: !tt.ptr<tensor<16x16xbf16>>
// CHECK-SAME: !tt.ptr<!tt.ptr<i8>>
// CHECK-SAME: tensor<4x!tt.ptr<f8E5M2>>
// CHECK-SAME: !tt.tensordesc<64x32xf16>
// CHECK-SAME: !tt.ptr<i64>
tt.func @pointer_types(%a: !tt.ptr<f32, 1>, %b: !tt.ptr<f16, 3>, %c: !tt.ptr<tensor<16x16xbf16>>,
                       %d: !tt.ptr<!tt.ptr<i8>>, %e: tensor<4x!tt.ptr<f8E5M2>>,
                       %f: !tt.tensordesc<64x32xf16>, %g: !tt.ptr<i64>) {
  tt.return
}
