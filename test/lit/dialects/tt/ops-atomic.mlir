// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @atomics
tt.func @atomics(%p: !tt.ptr<f32>, %t: tensor<16x!tt.ptr<i32>>, %v: tensor<16xi32>, %m: tensor<16xi1>, %f: f32, %n: !tt.ptr<i32>, %e: i32, %to: i64) {
  // CHECK: tt.atomic_rmw fadd, acq_rel, gpu, %{{.*}}, %{{.*}} : (!tt.ptr<f32>, f32) -> f32
  %0 = tt.atomic_rmw fadd, acq_rel, gpu, %p, %f : (!tt.ptr<f32>, f32) -> f32
  // CHECK: tt.atomic_rmw max, relaxed, cta, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<16x!tt.ptr<i32>>, tensor<16xi32>, tensor<16xi1>) -> tensor<16xi32>
  %1 = tt.atomic_rmw max, relaxed, cta, %t, %v, %m : (tensor<16x!tt.ptr<i32>>, tensor<16xi32>, tensor<16xi1>) -> tensor<16xi32>
  // CHECK: tt.atomic_rmw exch, release, sys
  %2 = tt.atomic_rmw exch, release, sys, %t, %v : (tensor<16x!tt.ptr<i32>>, tensor<16xi32>) -> tensor<16xi32>
  // CHECK: tt.atomic_cas acq_rel, gpu, %{{.*}}, %{{.*}}, %{{.*}} : (tensor<16x!tt.ptr<i32>>, tensor<16xi32>, tensor<16xi32>) -> tensor<16xi32>
  %3 = tt.atomic_cas acq_rel, gpu, %t, %v, %v : (tensor<16x!tt.ptr<i32>>, tensor<16xi32>, tensor<16xi32>) -> tensor<16xi32>
  // CHECK: tt.atomic_load acquire, gpu, %{{.*}}, %{{.*}} : (tensor<16x!tt.ptr<i32>>, tensor<16xi1>) -> tensor<16xi32>
  %4 = tt.atomic_load acquire, gpu, %t, %m : (tensor<16x!tt.ptr<i32>>, tensor<16xi1>) -> tensor<16xi32>
  // CHECK: tt.atomic_store release, gpu, %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x!tt.ptr<i32>>
  tt.atomic_store release, gpu, %t, %v, %m : tensor<16x!tt.ptr<i32>>
  // CHECK: tt.atomic_poll acquire, gpu, %{{.*}}, %{{.*}} timeout %{{.*}} : !tt.ptr<i32>, i32 -> i1
  %5 = tt.atomic_poll acquire, gpu, %n, %e timeout %to : !tt.ptr<i32>, i32 -> i1
  // CHECK: tt.atomic_poll acquire, sys, %{{.*}}, %{{.*}} : !tt.ptr<i32>, i32 -> i1
  %6 = tt.atomic_poll acquire, sys, %n, %e : !tt.ptr<i32>, i32 -> i1
  tt.return
}
