// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @range_empty() {
  // expected-error@+1 {{requires start < end}}
  %0 = tt.make_range {end = 0 : i32, start = 4 : i32} : tensor<4xi32>
  tt.return
}

// -----

tt.func @range_length() {
  // expected-error@+1 {{result must be tensor<8xi32>}}
  %0 = tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<16xi32>
  tt.return
}

// -----

tt.func @program_axis() {
  // expected-error@+1 {{enum values for attribute 'axis' [x, y, z]}}
  %0 = tt.get_program_id w : i32
  tt.return
}
