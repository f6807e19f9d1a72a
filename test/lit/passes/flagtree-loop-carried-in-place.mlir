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

// A generic that reads its init is left alone.
// CHECK-LABEL: func.func @reads_init
// CHECK: outs(%{{.*}} : tensor<8xi64>)
// CHECK-NOT: outs(%arg
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
