// RUN: flagtree-opt %s --flagtree-expand-math | FileCheck %s

// f32 exp becomes range reduction + polynomial + exponent scaling, with the special
// cases (overflow, underflow, NaN) selected at the end; no math.exp remains.
// CHECK-LABEL: func.func @exp
// CHECK-NOT: math.exp
// CHECK: math.floor
// CHECK: arith.fptosi
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf uno
// CHECK: return
func.func @exp(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// CHECK-LABEL: func.func @exp2
// CHECK-NOT: math.exp2
// CHECK: math.floor
func.func @exp2(%x: f32) -> f32 {
  %0 = math.exp2 %x : f32
  return %0 : f32
}

// Other types keep math.exp (LLVM lowers them).
// CHECK-LABEL: func.func @exp_f64
// CHECK: math.exp %{{.*}} : f64
func.func @exp_f64(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}
