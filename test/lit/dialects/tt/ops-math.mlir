// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @math
tt.func @math(%x: tensor<32xf32>, %y: tensor<32xf32>, %i: tensor<32xi32>, %s: f64) {
  // CHECK: tt.clampf %{{.*}}, %{{.*}}, %{{.*}}, propagateNan = all : tensor<32xf32>
  %0 = tt.clampf %x, %y, %y, propagateNan = all : tensor<32xf32>
  // CHECK: tt.clampf %{{.*}}, %{{.*}}, %{{.*}}, propagateNan = none : f64
  %1 = tt.clampf %s, %s, %s, propagateNan = none : f64
  // CHECK: tt.precise_sqrt %{{.*}} : tensor<32xf32>
  %2 = tt.precise_sqrt %x : tensor<32xf32>
  // CHECK: tt.precise_divf %{{.*}}, %{{.*}} : tensor<32xf32>
  %3 = tt.precise_divf %x, %y : tensor<32xf32>
  // CHECK: tt.approx_divf %{{.*}}, %{{.*}} : tensor<32xf32>
  %4 = tt.approx_divf %x, %y : tensor<32xf32>
  // CHECK: tt.mulhiui %{{.*}}, %{{.*}} : tensor<32xi32>
  %5 = tt.mulhiui %i, %i : tensor<32xi32>
  tt.return
}
