// A type error: splat changes the element type.
tt.func @f(%a: i32) {
  %0 = tt.splat %a : i32 -> tensor<4xf32>
  tt.return
}
