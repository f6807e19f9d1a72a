// RUN: flagtree-opt %s --flagtree-loop-carried-in-place | FileCheck %s

#map = affine_map<(d0) -> (d0)>
// A tile advanced every iteration is computed into the loop's own iteration argument.
// CHECK-LABEL: func.func @advance
// CHECK: scf.for %{{.*}} iter_args(%[[ITER:.*]] = %{{.*}}) -> (tensor<8xi64>)
// CHECK: linalg.generic {{.*}} ins(%[[ITER]] : tensor<8xi64>) outs(%[[ITER]] : tensor<8xi64>)
func.func @advance(%init: tensor<8xi64>, %n: index, %step: i64) -> tensor<8xi64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %init) -> (tensor<8xi64>) {
    %e = tensor.empty() : tensor<8xi64>
    %next = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%t : tensor<8xi64>) outs(%e : tensor<8xi64>) {
    ^bb0(%in: i64, %out: i64):
      %s = arith.addi %in, %step : i64
      linalg.yield %s : i64
    } -> tensor<8xi64>
    scf.yield %next : tensor<8xi64>
  }
  return %r : tensor<8xi64>
}

// A generic that reads its init keeps it; its result is copied into the iteration
// argument at the end of the iteration instead.
// CHECK-LABEL: func.func @reads_init
// CHECK: scf.for %{{.*}} iter_args(%[[ITER2:.*]] = %{{.*}}) -> (tensor<8xi64>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8xi64>
// CHECK: %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[ITER2]] : tensor<8xi64>) outs(%[[E]] : tensor<8xi64>)
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[NEXT]] : tensor<8xi64>) outs(%[[ITER2]] : tensor<8xi64>)
// CHECK: scf.yield %[[COPY]]
func.func @reads_init(%init: tensor<8xi64>, %n: index) -> tensor<8xi64> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %init) -> (tensor<8xi64>) {
    %e = tensor.empty() : tensor<8xi64>
    %next = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%t : tensor<8xi64>) outs(%e : tensor<8xi64>) {
    ^bb0(%in: i64, %out: i64):
      %s = arith.addi %in, %out : i64
      linalg.yield %s : i64
    } -> tensor<8xi64>
    scf.yield %next : tensor<8xi64>
  }
  return %r : tensor<8xi64>
}

// A tile carried through a while loop is copied back into the before-region argument.
// CHECK-LABEL: func.func @while_loop
// CHECK: scf.while (%[[B:.*]] = %{{.*}}, %[[T:.*]] = %{{.*}}) : (i32, tensor<8xf32>)
// CHECK: } do {
// CHECK: ^bb0(%{{.*}}: i32, %[[A:.*]]: tensor<8xf32>):
// CHECK: linalg.copy ins(%{{.*}} : tensor<8xf32>) outs(%[[A]] : tensor<8xf32>)
func.func @while_loop(%init: tensor<8xf32>, %n: i32) -> tensor<8xf32> {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %r:2 = scf.while (%i = %c0, %t = %init) : (i32, tensor<8xf32>) -> (i32, tensor<8xf32>) {
    %go = arith.cmpi slt, %i, %n : i32
    scf.condition(%go) %i, %t : i32, tensor<8xf32>
  } do {
  ^bb0(%i: i32, %t: tensor<8xf32>):
    %e = tensor.empty() : tensor<8xf32>
    %d = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
        ins(%t : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %s = arith.addf %in, %out : f32
      linalg.yield %s : f32
    } -> tensor<8xf32>
    %next = arith.addi %i, %c1 : i32
    scf.yield %next, %d : i32, tensor<8xf32>
  }
  return %r#1 : tensor<8xf32>
}

// A nested loop that threads the tile through is already in place: no copy.
// CHECK-LABEL: func.func @nested
// CHECK-NOT: linalg.copy
// CHECK: return
func.func @nested(%init: tensor<4x4xf32>, %v: f32) -> tensor<4x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%t = %init) -> (tensor<4x4xf32>) {
    %r2 = scf.for %j = %c0 to %c4 step %c1 iter_args(%u = %t) -> (tensor<4x4xf32>) {
      %w = tensor.insert %v into %u[%i, %j] : tensor<4x4xf32>
      scf.yield %w : tensor<4x4xf32>
    }
    scf.yield %r2 : tensor<4x4xf32>
  }
  return %r : tensor<4x4xf32>
}

// A tile that is still read after the op computing its next value is not overwritten in
// place: the next value is copied in at the end of the iteration.
// CHECK-LABEL: func.func @read_after
// CHECK: scf.for %{{.*}} iter_args(%[[T:.*]] = %{{.*}}) -> (tensor<8xf32>)
// CHECK: %[[NEXT:.*]] = arith.maxnumf %[[T]], %{{.*}} : tensor<8xf32>
// CHECK: arith.subf %[[T]], %[[NEXT]]
// CHECK: linalg.copy ins(%[[NEXT]] : tensor<8xf32>) outs(%[[T]] : tensor<8xf32>)
func.func @read_after(%init: tensor<8xf32>, %x: tensor<8xf32>, %n: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%t = %init) -> (tensor<8xf32>) {
    %next = arith.maxnumf %t, %x : tensor<8xf32>
    %d = arith.subf %t, %next : tensor<8xf32>
    scf.yield %next : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}
