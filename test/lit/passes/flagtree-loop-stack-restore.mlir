// RUN: flagtree-opt %s --flagtree-loop-stack-restore | FileCheck %s

// A tile allocated in a branch of the loop body is freed at the end of every iteration:
// the body saves the stack pointer first and restores it before its terminator, after the
// value it yields has been read from the tile.
// CHECK-LABEL: func.func @branch_tile
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK-NEXT: %[[SP:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: scf.if
// CHECK: memref.alloca() : memref<1024xf32>
// CHECK: %[[V:.*]] = memref.load
// CHECK-NEXT: %[[S:.*]] = arith.addf
// CHECK-NEXT: llvm.intr.stackrestore %[[SP]] : !llvm.ptr
// CHECK-NEXT: scf.yield %[[S]] : f32
func.func @branch_tile(%n: index, %c: i1, %x: f32) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %init = arith.constant 0.0 : f32
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> (f32) {
    %t = scf.if %c -> (memref<1024xf32>) {
      %a = memref.alloca() : memref<1024xf32>
      memref.store %x, %a[%c0] : memref<1024xf32>
      scf.yield %a : memref<1024xf32>
    } else {
      %a = memref.alloca() : memref<1024xf32>
      memref.store %init, %a[%c0] : memref<1024xf32>
      scf.yield %a : memref<1024xf32>
    }
    %v = memref.load %t[%c0] : memref<1024xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  return %r : f32
}

// A loop without stack allocations is left alone.
// CHECK-LABEL: func.func @no_alloca
// CHECK-NOT: llvm.intr.stacksave
// CHECK: return
func.func @no_alloca(%n: index, %m: memref<8xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.store %x, %m[%c0] : memref<8xf32>
  }
  return
}

// Allocations in an inner loop are freed by the inner loop, once per inner iteration.
// CHECK-LABEL: func.func @nested
// CHECK: scf.for
// CHECK-NOT: llvm.intr.stacksave
// CHECK: scf.for
// CHECK-NEXT: %[[SP:.*]] = llvm.intr.stacksave
// CHECK: memref.alloca
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: }
// CHECK-NOT: llvm.intr.stackrestore
// CHECK: return
func.func @nested(%n: index, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %n step %c1 {
      %a = memref.alloca() : memref<8xf32>
      memref.copy %a, %out : memref<8xf32> to memref<8xf32>
    }
  }
  return
}

// A body that yields a buffer it made keeps it for the next iteration; the enclosing loop
// frees its allocations instead.
// CHECK-LABEL: func.func @yielded_buffer
// CHECK: scf.for
// CHECK-NEXT: %[[SP:.*]] = llvm.intr.stacksave
// CHECK: scf.for %{{.*}} iter_args
// CHECK-NOT: llvm.intr.stack
// CHECK: scf.yield %{{.*}} : memref<8xf32>
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: }
func.func @yielded_buffer(%n: index, %init: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %last = scf.for %j = %c0 to %n step %c1 iter_args(%prev = %init) -> (memref<8xf32>) {
      %a = memref.alloca() : memref<8xf32>
      memref.copy %prev, %a : memref<8xf32> to memref<8xf32>
      scf.yield %a : memref<8xf32>
    }
    memref.copy %last, %out : memref<8xf32> to memref<8xf32>
  }
  return
}

// A while loop frees the allocations of each of its regions in that region.
// CHECK-LABEL: func.func @while_loop
// CHECK: scf.while
// CHECK-NOT: llvm.intr.stacksave
// CHECK: scf.condition
// CHECK: } do {
// CHECK: %[[SP:.*]] = llvm.intr.stacksave
// CHECK: memref.alloca
// CHECK: llvm.intr.stackrestore %[[SP]]
// CHECK-NEXT: scf.yield
func.func @while_loop(%n: i32, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r = scf.while (%i = %c0) : (i32) -> i32 {
    %go = arith.cmpi slt, %i, %n : i32
    scf.condition(%go) %i : i32
  } do {
  ^bb0(%i: i32):
    %a = memref.alloca() : memref<8xf32>
    memref.copy %a, %out : memref<8xf32> to memref<8xf32>
    %next = arith.addi %i, %c1 : i32
    scf.yield %next : i32
  }
  return
}
