// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @shapes
tt.func @shapes(%s: f32, %x: tensor<16xf32>, %one: tensor<1xf32>, %i: tensor<16xi32>) {
  // CHECK: tt.splat %{{.*}} : f32 -> tensor<16xf32>
  %0 = tt.splat %s : f32 -> tensor<16xf32>
  // CHECK: tt.unsplat %{{.*}} : tensor<1xf32>{{$}}
  %1 = tt.unsplat %one : tensor<1xf32>
  // CHECK: tt.expand_dims %{{.*}} {axis = 0 : i32} : tensor<16xf32> -> tensor<1x16xf32>
  %2 = tt.expand_dims %x {axis = 0 : i32} : tensor<16xf32> -> tensor<1x16xf32>
  // CHECK: tt.broadcast %{{.*}} : tensor<1x16xf32> -> tensor<4x16xf32>
  %3 = tt.broadcast %2 : tensor<1x16xf32> -> tensor<4x16xf32>
  // CHECK: tt.reshape %{{.*}} : tensor<16xf32> -> tensor<8x2xf32>
  %4 = tt.reshape %x : tensor<16xf32> -> tensor<8x2xf32>
  // CHECK: tt.reshape %{{.*}} allow_reorder efficient_layout : tensor<16xf32> -> tensor<2x8xf32>
  %5 = tt.reshape %x allow_reorder efficient_layout : tensor<16xf32> -> tensor<2x8xf32>
  // CHECK: %{{.*}}, %{{.*}} = tt.split %{{.*}} : tensor<8x2xf32> -> tensor<8xf32>
  %l, %r = tt.split %4 : tensor<8x2xf32> -> tensor<8xf32>
  // CHECK: tt.join %{{.*}}, %{{.*}} : tensor<8xf32> -> tensor<8x2xf32>
  %6 = tt.join %l, %r : tensor<8xf32> -> tensor<8x2xf32>
  // CHECK: tt.trans %{{.*}} {order = array<i32: 1, 0>} : tensor<8x2xf32> -> tensor<2x8xf32>
  %7 = tt.trans %6 {order = array<i32: 1, 0>} : tensor<8x2xf32> -> tensor<2x8xf32>
  // CHECK: tt.cat %{{.*}}, %{{.*}} : tensor<8xf32> -> tensor<16xf32>
  %8 = tt.cat %l, %r : tensor<8xf32> -> tensor<16xf32>
  // CHECK: tt.gather %{{.*}}[%{{.*}}] {axis = 0 : i32} : (tensor<16xf32>, tensor<16xi32>) -> tensor<16xf32>
  %9 = tt.gather %x[%i] {axis = 0 : i32} : (tensor<16xf32>, tensor<16xi32>) -> tensor<16xf32>
  // CHECK: tt.histogram %{{.*}} : tensor<16xi32> -> tensor<8xi32>
  %10 = tt.histogram %i : tensor<16xi32> -> tensor<8xi32>
  tt.return
}
