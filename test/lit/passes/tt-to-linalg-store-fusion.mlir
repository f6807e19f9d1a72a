// RUN: flagtree-opt %s --tt-to-linalg --canonicalize | FileCheck %s

// A stored elementwise expression over structured loads is computed in the store's own
// loop (one pass); the tiles it would otherwise materialize are dead and removed.
// CHECK-LABEL: func.func @add
// CHECK: scf.for
// CHECK-NOT: scf.for
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: arith.addf
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
// CHECK-NOT: scf.for
// CHECK: return
tt.func @add(%x: !tt.ptr<f32>, %y: !tt.ptr<f32>, %out: !tt.ptr<f32>) {
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %xs = tt.splat %x : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %xp = tt.addptr %xs, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %ys = tt.splat %y : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %yp = tt.addptr %ys, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %a = tt.load %xp : tensor<64x!tt.ptr<f32>>
  %b = tt.load %yp : tensor<64x!tt.ptr<f32>>
  %c = arith.addf %a, %b : tensor<64xf32>
  tt.store %op, %c : tensor<64x!tt.ptr<f32>>
  tt.return
}

// A store between a load and the store that uses it pins the load: it is not re-read.
// CHECK-LABEL: func.func @pinned
// CHECK: %[[TILE:.*]] = scf.for
// CHECK: llvm.load
// CHECK: tensor.insert
// CHECK: scf.for
// CHECK: llvm.store
// CHECK: scf.for
// CHECK: tensor.extract %[[TILE]]
// CHECK: llvm.store
tt.func @pinned(%x: !tt.ptr<f32>, %out: !tt.ptr<f32>) {
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %xs = tt.splat %x : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %xp = tt.addptr %xs, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %op = tt.addptr %os, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %a = tt.load %xp : tensor<64x!tt.ptr<f32>>
  %zero = arith.constant dense<0.0> : tensor<64xf32>
  tt.store %xp, %zero : tensor<64x!tt.ptr<f32>>
  tt.store %op, %a : tensor<64x!tt.ptr<f32>>
  tt.return
}
