// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @desc_ranks(%p: !tt.ptr<f16>, %m: i32, %s: i64) {
  // expected-error@+1 {{needs one shape and one stride value per block dimension}}
  %d = tt.make_tensor_descriptor %p, [%m], [%s] : <f16>, <16x16xf16>
  tt.return
}

// -----

tt.func @desc_elem(%p: !tt.ptr<f32>, %m: i32, %s: i64) {
  // expected-error@+1 {{base pointer must point to the block's element type}}
  %d = tt.make_tensor_descriptor %p, [%m, %m], [%s, %s] : <f32>, <16x16xf16>
  tt.return
}

// -----

tt.func @desc_load_tile(%d: !tt.tensordesc<16x16xf16>, %i: i32) {
  // expected-error@+1 {{does not match the descriptor block}}
  %0 = tt.descriptor_load %d[%i, %i] : !tt.tensordesc<16x16xf16> -> tensor<8x16xf16>
  tt.return
}

// -----

tt.func @desc_indices(%d: !tt.tensordesc<16x16xf16>, %i: i32) {
  // expected-error@+1 {{needs 2 indices, got 1}}
  %0 = tt.descriptor_load %d[%i] : !tt.tensordesc<16x16xf16> -> tensor<16x16xf16>
  tt.return
}

// -----

tt.func @desc_rank0(%p: !tt.ptr<f32>) {
  // expected-error@+1 {{needs a block of rank 1 or more}}
  %d = tt.make_tensor_descriptor %p, [], [] : <f32>, <f32>
  tt.return
}
