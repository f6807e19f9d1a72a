// Upstream passes and flagtree passes run in one pipeline, in order.
// RUN: flagtree-opt %s --canonicalize --tt-strip-debug-ops --cse | FileCheck %s
// RUN: flagtree-opt %s --pass-pipeline="builtin.module(canonicalize,tt-strip-debug-ops,cse)" | FileCheck %s

// CHECK-LABEL: tt.func @f
// CHECK-NEXT: %[[C:.*]] = arith.constant 3 : i32
// CHECK-NEXT: tt.store %{{.*}}, %[[C]] : !tt.ptr<i32>
// CHECK-NEXT: tt.return
tt.func @f(%p: !tt.ptr<i32>) {
  %a = arith.constant 1 : i32
  %b = arith.constant 2 : i32
  %c = arith.addi %a, %b : i32
  tt.print "c" {hex = false, isSigned = array<i32: 1>} : %c : i32
  tt.store %p, %c : !tt.ptr<i32>
  tt.return
}
