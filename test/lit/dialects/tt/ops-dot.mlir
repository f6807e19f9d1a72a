// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @dots
tt.func @dots(%a: tensor<32x16xf16>, %b: tensor<16x64xf16>, %c: tensor<32x64xf32>,
              %ba: tensor<2x32x16xf32>, %bb: tensor<2x16x8xf32>, %bc: tensor<2x32x8xf32>,
              %ia: tensor<16x32xi8>, %ib: tensor<32x16xi8>, %ic: tensor<16x16xi32>) {
  // CHECK: tt.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16xf16> * tensor<16x64xf16> -> tensor<32x64xf32>
  %0 = tt.dot %a, %b, %c : tensor<32x16xf16> * tensor<16x64xf16> -> tensor<32x64xf32>
  // CHECK: tt.dot %{{.*}}, %{{.*}}, %{{.*}}, inputPrecision = tf32 : tensor<2x32x16xf32> * tensor<2x16x8xf32> -> tensor<2x32x8xf32>
  %1 = tt.dot %ba, %bb, %bc, inputPrecision = tf32 : tensor<2x32x16xf32> * tensor<2x16x8xf32> -> tensor<2x32x8xf32>
  // CHECK: tt.dot %{{.*}}, %{{.*}}, %{{.*}} {maxNumImpreciseAcc = 32 : i32} : tensor<16x32xi8> * tensor<32x16xi8> -> tensor<16x16xi32>
  %2 = tt.dot %ia, %ib, %ic {maxNumImpreciseAcc = 32 : i32} : tensor<16x32xi8> * tensor<32x16xi8> -> tensor<16x16xi32>
  tt.return
}

// CHECK-LABEL: tt.func @dot_scaled
tt.func @dot_scaled(%a: tensor<64x64xf8E4M3FN>, %as: tensor<64x2xi8>, %b: tensor<64x64xf8E5M2>, %c: tensor<64x64xf32>) {
  // CHECK: tt.dot_scaled %{{.*}} scale %{{.*}}, %{{.*}}, %{{.*}} lhs = e4m3 rhs = e5m2 {fastMath = false} : tensor<64x64xf8E4M3FN>, tensor<64x2xi8> * tensor<64x64xf8E5M2> -> tensor<64x64xf32>
  %0 = tt.dot_scaled %a scale %as, %b, %c lhs = e4m3 rhs = e5m2 {fastMath = false} : tensor<64x64xf8E4M3FN>, tensor<64x2xi8> * tensor<64x64xf8E5M2> -> tensor<64x64xf32>
  tt.return
}
