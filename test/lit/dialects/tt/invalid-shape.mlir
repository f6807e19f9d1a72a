// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @splat_element_type(%a: i32) {
  // expected-error@+1 {{requires the same element type for all operands and results}}
  %0 = tt.splat %a : i32 -> tensor<4xf32>
  tt.return
}

// -----

tt.func @broadcast_non_unit(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{can only grow dimensions of size 1}}
  %0 = tt.broadcast %x : tensor<2x8xf32> -> tensor<4x8xf32>
  tt.return
}

// -----

tt.func @expand_dims_axis(%x: tensor<8xf32>) {
  // expected-error@+1 {{axis 3 is out of range for rank 1}}
  %0 = tt.expand_dims %x {axis = 3 : i32} : tensor<8xf32> -> tensor<8x1xf32>
  tt.return
}

// -----

tt.func @reshape_numel(%x: tensor<8xf32>) {
  // expected-error@+1 {{must keep the number of elements}}
  %0 = tt.reshape %x : tensor<8xf32> -> tensor<4x4xf32>
  tt.return
}

// -----

tt.func @trans_not_permutation(%x: tensor<2x8xf32>) {
  // expected-error@+1 {{order must be a permutation}}
  %0 = tt.trans %x {order = array<i32: 0, 0>} : tensor<2x8xf32> -> tensor<2x8xf32>
  tt.return
}

// -----

tt.func @split_minor(%x: tensor<8x4xf32>) {
  // expected-error@+1 {{requires a minor dimension of size 2}}
  %a, %b = tt.split %x : tensor<8x4xf32> -> tensor<8xf32>
  tt.return
}

// -----

tt.func @unsplat_many(%x: tensor<2xf32>) {
  // expected-error@+1 {{requires a tensor of exactly one element}}
  %0 = tt.unsplat %x : tensor<2xf32>
  tt.return
}

// -----

tt.func @gather_rank(%x: tensor<8xf32>, %i: tensor<2x4xi32>) {
  // expected-error@+1 {{source and indices must have the same rank}}
  %0 = tt.gather %x[%i] {axis = 0 : i32} : (tensor<8xf32>, tensor<2x4xi32>) -> tensor<2x4xf32>
  tt.return
}
