// RUN: flagtree-opt %s --split-input-file | FileCheck %s
// RUN: flagtree-opt %s --split-input-file | flagtree-opt --split-input-file | FileCheck %s

// CHECK-LABEL: tt.func @loads
tt.func @loads(%p: !tt.ptr<f16>, %offs: tensor<64xi32>, %m: tensor<64xi1>, %o: tensor<64xf16>) {
  // CHECK: %[[P:.*]] = tt.splat %{{.*}} : !tt.ptr<f16> -> tensor<64x!tt.ptr<f16>>
  %ps = tt.splat %p : !tt.ptr<f16> -> tensor<64x!tt.ptr<f16>>
  // CHECK: %[[Q:.*]] = tt.addptr %[[P]], %{{.*}} : tensor<64x!tt.ptr<f16>>, tensor<64xi32>
  %q = tt.addptr %ps, %offs : tensor<64x!tt.ptr<f16>>, tensor<64xi32>
  // CHECK: tt.load %[[Q]] : tensor<64x!tt.ptr<f16>>
  %0 = tt.load %q : tensor<64x!tt.ptr<f16>>
  // CHECK: tt.load %[[Q]], %{{.*}} : tensor<64x!tt.ptr<f16>>
  %1 = tt.load %q, %m : tensor<64x!tt.ptr<f16>>
  // CHECK: tt.load %[[Q]], %{{.*}}, %{{.*}} : tensor<64x!tt.ptr<f16>>
  %2 = tt.load %q, %m, %o : tensor<64x!tt.ptr<f16>>
  // CHECK: tt.load %[[Q]] {cachePolicy = #tt.cache_policy<cache_modifier = cg, eviction_policy = evict_last>, isVolatile = true} : tensor<64x!tt.ptr<f16>>
  %3 = tt.load %q {cachePolicy = #tt.cache_policy<cache_modifier = cg, eviction_policy = evict_last>, isVolatile = true} : tensor<64x!tt.ptr<f16>>
  // CHECK: tt.load %{{.*}} : !tt.ptr<f16>
  %4 = tt.load %p : !tt.ptr<f16>
  tt.return
}

// -----

// CHECK-LABEL: tt.func @stores
tt.func @stores(%p: !tt.ptr<i64>, %q: tensor<4x8x!tt.ptr<i64>>, %v: tensor<4x8xi64>, %m: tensor<4x8xi1>, %s: i64) {
  // CHECK: tt.store %{{.*}}, %{{.*}} : tensor<4x8x!tt.ptr<i64>>
  tt.store %q, %v : tensor<4x8x!tt.ptr<i64>>
  // CHECK: tt.store %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8x!tt.ptr<i64>>
  tt.store %q, %v, %m : tensor<4x8x!tt.ptr<i64>>
  // CHECK: tt.store %{{.*}}, %{{.*}} {cachePolicy = #tt.cache_policy<cache_modifier = cs, eviction_policy = evict_first>} : !tt.ptr<i64>
  tt.store %p, %s {cachePolicy = #tt.cache_policy<cache_modifier = cs, eviction_policy = evict_first>} : !tt.ptr<i64>
  tt.return
}

// -----

// The defaults (not volatile) are not printed.
// CHECK-LABEL: tt.func @defaults_elided
// CHECK: tt.load %{{.*}} : !tt.ptr<f32>
// CHECK-NOT: isVolatile
tt.func @defaults_elided(%p: !tt.ptr<f32>) {
  %0 = tt.load %p {isVolatile = false} : !tt.ptr<f32>
  tt.return
}
