// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

// expected-note@+1 {{prior use here}}
tt.func @load_mask_shape(%p: tensor<8x!tt.ptr<f32>>, %m: tensor<4xi1>) {
  // expected-error@+1 {{use of value '%m' expects different type than prior uses}}
  %0 = tt.load %p, %m : tensor<8x!tt.ptr<f32>>
  tt.return
}

// -----

// expected-note@+1 {{prior use here}}
tt.func @store_value_type(%p: !tt.ptr<f32>, %v: f16) {
  // expected-error@+1 {{use of value '%v' expects different type than prior uses}}
  tt.store %p, %v : !tt.ptr<f32>
  tt.return
}

// -----

tt.func @load_not_pointer(%x: tensor<8xf32>) {
  // expected-error@+1 {{operand #0 must be}}
  %0 = "tt.load"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<8xf32>) -> tensor<8xf32>
  tt.return
}

// -----

tt.func @atomic_cmp_type(%p: !tt.ptr<i32>, %c: i64, %v: i32) {
  // expected-error@+1 {{cmp matches the pointee type of ptr}}
  %0 = "tt.atomic_cas"(%p, %c, %v) <{scope = 1 : i32, sem = 4 : i32}> : (!tt.ptr<i32>, i64, i32) -> i32
  tt.return
}

// -----

tt.func @bad_cache_modifier(%p: !tt.ptr<f32>) {
  // expected-error@+2 {{expected one of [none, ca, cg, wb, cs, wt, cv]}}
  // expected-error@+1 {{failed to parse TT_CachePolicyAttr parameter 'cache_modifier'}}
  %0 = tt.load %p {cachePolicy = #tt.cache_policy<cache_modifier = l2, eviction_policy = evict_last>} : !tt.ptr<f32>
  tt.return
}
