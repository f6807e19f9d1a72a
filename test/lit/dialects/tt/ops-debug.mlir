// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @debug
tt.func @debug(%x: tensor<16xf32>, %i: i32, %c: tensor<16xi1>) {
  // CHECK: tt.print " x: " {hex = false, isSigned = array<i32: 0>} : %{{.*}} : tensor<16xf32>
  tt.print " x: " {hex = false, isSigned = array<i32: 0>} : %x : tensor<16xf32>
  // CHECK: tt.print " two: " {hex = true, isSigned = array<i32: 1, 0>} : %{{.*}}, %{{.*}} : i32, tensor<16xf32>
  tt.print " two: " {hex = true, isSigned = array<i32: 1, 0>} : %i, %x : i32, tensor<16xf32>
  // CHECK: tt.print "hello" {hex = false, isSigned = array<i32>}
  tt.print "hello" {hex = false, isSigned = array<i32>}
  // CHECK: tt.assert %{{.*}}, "x must be positive" : tensor<16xi1>
  tt.assert %c, "x must be positive" : tensor<16xi1>
  tt.return
}
