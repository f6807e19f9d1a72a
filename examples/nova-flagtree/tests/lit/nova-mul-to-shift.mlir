// RUN: flagtree-opt %s --backend nova --dump-after loops | FileCheck %s

// nova-mul-to-shift runs at anchor `loops`: every integer multiplication by a power of two,
// scalar or index, i32 or i64, is a left shift; other multiplications stay.

// CHECK-LABEL: IR after anchor 'loops' (backend 'nova')
// CHECK-LABEL: func.func @scale(
// CHECK: %[[C7:.*]] = arith.constant 7 : i32
// CHECK-NEXT: arith.shli %arg3, %[[C7]] : i32
// CHECK: %[[X:.*]] = memref.load
// CHECK-NEXT: %[[C3:.*]] = arith.constant 3 : i32
// CHECK-NEXT: arith.shli %[[X]], %[[C3]] : i32
// CHECK-NEXT: arith.muli %[[X]], %{{.*}} : i32
// CHECK: scf.yield
// CHECK: %[[Y:.*]] = memref.load
// CHECK-NEXT: %[[D3:.*]] = arith.constant 3 : i32
// CHECK-NEXT: arith.shli %[[Y]], %[[D3]] : i32
// CHECK-NEXT: arith.muli %[[Y]], %{{.*}} : i32
tt.func public @scale(%x: !tt.ptr<i32>, %out: !tt.ptr<i32>, %n: i32) {
  %c128 = arith.constant 128 : i32
  %c8 = arith.constant dense<8> : tensor<128xi32>
  %c3 = arith.constant dense<3> : tensor<128xi32>
  %pid = tt.get_program_id x : i32
  %start = arith.muli %pid, %c128 : i32
  %range = tt.make_range {end = 128 : i32, start = 0 : i32} : tensor<128xi32>
  %s = tt.splat %start : i32 -> tensor<128xi32>
  %offs = arith.addi %s, %range : tensor<128xi32>
  %nn = tt.splat %n : i32 -> tensor<128xi32>
  %mask = arith.cmpi slt, %offs, %nn : tensor<128xi32>
  %xp = tt.splat %x : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>>
  %xa = tt.addptr %xp, %offs : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
  %v = tt.load %xa, %mask : tensor<128x!tt.ptr<i32>>
  %r8 = arith.muli %v, %c8 : tensor<128xi32>
  %r3 = arith.muli %v, %c3 : tensor<128xi32>
  %r = arith.addi %r8, %r3 : tensor<128xi32>
  %op = tt.splat %out : !tt.ptr<i32> -> tensor<128x!tt.ptr<i32>>
  %oa = tt.addptr %op, %offs : tensor<128x!tt.ptr<i32>>, tensor<128xi32>
  tt.store %oa, %r, %mask : tensor<128x!tt.ptr<i32>>
  tt.return
}
