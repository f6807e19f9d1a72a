// RUN: flagtree-opt %s --split-input-file --tt-strip-debug-ops | FileCheck %s
// RUN: flagtree-opt %s --split-input-file --tt-strip-debug-ops="keep-asserts=true" | FileCheck %s --check-prefix=KEEP
// RUN: flagtree-opt %s --split-input-file --pass-pipeline="builtin.module(tt-strip-debug-ops{keep-asserts=true},canonicalize)" | FileCheck %s --check-prefix=KEEP

// CHECK-LABEL: tt.func @prints_and_asserts
// CHECK-NOT: tt.print
// CHECK-NOT: tt.assert
// CHECK: tt.store
// KEEP-LABEL: tt.func @prints_and_asserts
// KEEP-NOT: tt.print
// KEEP: tt.assert %{{.*}}, "positive"
tt.func @prints_and_asserts(%p: !tt.ptr<f32>, %c: i1) {
  %x = tt.load %p : !tt.ptr<f32>
  tt.print " x: " {hex = false, isSigned = array<i32: 0>} : %x : f32
  tt.assert %c, "positive" : i1
  tt.store %p, %x : !tt.ptr<f32>
  tt.return
}

// -----

// Debug ops nested in loops and reduce regions go too; nothing else changes.
// CHECK-LABEL: tt.func @nested
// CHECK: scf.for
// CHECK-NOT: tt.print
// CHECK: tt.store
tt.func @nested(%p: !tt.ptr<i32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  scf.for %i = %c0 to %n step %c1 : i32 {
    tt.print "i" {hex = true, isSigned = array<i32: 1>} : %i : i32
    tt.store %p, %i : !tt.ptr<i32>
  }
  tt.return
}
