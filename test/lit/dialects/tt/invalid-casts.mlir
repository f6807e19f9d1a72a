// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @bitcast_width(%x: tensor<8xf32>) {
  // expected-error@+1 {{requires source and result of the same bit width}}
  %0 = tt.bitcast %x : tensor<8xf32> -> tensor<8xf16>
  tt.return
}

// -----

tt.func @narrowing_needs_rounding(%x: tensor<8xf32>) {
  // expected-error@+1 {{needs a rounding mode to narrow}}
  %0 = tt.fp_to_fp %x : tensor<8xf32> -> tensor<8xf8E4M3FN>
  tt.return
}

// -----

tt.func @int_to_ptr_width(%x: i32) {
  // expected-error@+1 {{operand #0 must be}}
  %0 = tt.int_to_ptr %x : i32 -> !tt.ptr<f32>
  tt.return
}
