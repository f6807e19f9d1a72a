// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @descriptors
tt.func @descriptors(%p: !tt.ptr<f16>, %m: i32, %n: i32, %s: i64, %i: i32, %rows: tensor<16xi32>, %t: tensor<16x16xf16>) {
  %c1 = arith.constant 1 : i64
  // CHECK: %[[D:.*]] = tt.make_tensor_descriptor %{{.*}}, [%{{.*}}, %{{.*}}], [%{{.*}}, %{{.*}}] : <f16>, <16x16xf16>
  %d = tt.make_tensor_descriptor %p, [%m, %n], [%s, %c1] : <f16>, <16x16xf16>
  // CHECK: tt.descriptor_load %[[D]][%{{.*}}, %{{.*}}] : !tt.tensordesc<16x16xf16> -> tensor<16x16xf16>
  %0 = tt.descriptor_load %d[%i, %i] : !tt.tensordesc<16x16xf16> -> tensor<16x16xf16>
  // CHECK: tt.descriptor_store %[[D]][%{{.*}}, %{{.*}}], %{{.*}} : !tt.tensordesc<16x16xf16>, tensor<16x16xf16>
  tt.descriptor_store %d[%i, %i], %0 : !tt.tensordesc<16x16xf16>, tensor<16x16xf16>
  // CHECK: tt.descriptor_reduce add, %[[D]][%{{.*}}, %{{.*}}], %{{.*}} : !tt.tensordesc<16x16xf16>, tensor<16x16xf16>
  tt.descriptor_reduce add, %d[%i, %i], %t : !tt.tensordesc<16x16xf16>, tensor<16x16xf16>
  // CHECK: %[[G:.*]] = tt.make_tensor_descriptor {{.*}} : <f16>, <1x16xf16>
  %g = tt.make_tensor_descriptor %p, [%m, %n], [%s, %c1] : <f16>, <1x16xf16>
  // CHECK: tt.descriptor_gather %[[G]][%{{.*}}, %{{.*}}] : (!tt.tensordesc<1x16xf16>, tensor<16xi32>, i32) -> tensor<16x16xf16>
  %1 = tt.descriptor_gather %g[%rows, %i] : (!tt.tensordesc<1x16xf16>, tensor<16xi32>, i32) -> tensor<16x16xf16>
  // CHECK: tt.descriptor_scatter %[[G]][%{{.*}}, %{{.*}}], %{{.*}} : !tt.tensordesc<1x16xf16>, tensor<16xi32>, i32, tensor<16x16xf16>
  tt.descriptor_scatter %g[%rows, %i], %1 : !tt.tensordesc<1x16xf16>, tensor<16xi32>, i32, tensor<16x16xf16>
  tt.return
}
