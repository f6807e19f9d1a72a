// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @returns_wrong(%x: i32) -> f32 {
  // expected-error@+1 {{returns 1 values of the wrong types for @returns_wrong}}
  tt.return %x : i32
}

// -----

tt.func @calls_missing(%x: i32) {
  // expected-error@+1 {{'missing' does not name a tt.func}}
  tt.call @missing(%x) : (i32) -> ()
  tt.return
}

// -----

tt.func private @callee(%x: i32) -> i32 {
  tt.return %x : i32
}
tt.func @calls_with_wrong_types(%x: f32) {
  // expected-error@+1 {{operand or result types do not match @callee}}
  %0 = tt.call @callee(%x) : (f32) -> i32
  tt.return
}
