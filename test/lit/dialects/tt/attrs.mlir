// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// Discardable tt.* attributes Triton attaches ride along unchanged.
// CHECK-LABEL: tt.func public @loop_attrs
tt.func public @loop_attrs(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32}, %n: i32 {tt.divisibility = 16 : i32}) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %v = arith.constant 1.0 : f32
  // CHECK: scf.for
  scf.for %i = %c0 to %n step %c1 : i32 {
    %q = tt.addptr %p, %i : !tt.ptr<f32>, i32
    tt.store %q, %v : !tt.ptr<f32>
  // CHECK: } {tt.loop_unroll_factor = 4 : i32, tt.num_stages = 3 : i32}
  } {tt.loop_unroll_factor = 4 : i32, tt.num_stages = 3 : i32}
  // CHECK: tt.load %{{.*}} {cachePolicy = #tt.cache_policy<cache_modifier = none, eviction_policy = evict_first>} : !tt.ptr<f32>
  %x = tt.load %p {cachePolicy = #tt.cache_policy<cache_modifier = none, eviction_policy = evict_first>} : !tt.ptr<f32>
  // CHECK: tt.load %{{.*}} {boundaryCheck = array<i32: 0>, padding = 1 : i32} : !tt.ptr<f32>
  %y = tt.load %p {boundaryCheck = array<i32: 0>, padding = 1 : i32} : !tt.ptr<f32>
  // CHECK: tt.contiguity = dense<16> : tensor<1xi32>
  %z = tt.load %p {tt.contiguity = dense<16> : tensor<1xi32>} : !tt.ptr<f32>
  tt.return
}
