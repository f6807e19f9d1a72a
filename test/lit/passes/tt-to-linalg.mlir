// RUN: flagtree-opt %s --split-input-file --tt-to-linalg | FileCheck %s

// Kernels become func.func with six trailing i32 grid arguments; pointers become
// !llvm.ptr, tensors of pointers i64 addresses, and program ids those arguments.
// CHECK-LABEL: func.func @vector_add(
// CHECK-SAME: %[[X:[a-z0-9]+]]: !llvm.ptr, %[[N:[a-z0-9]+]]: i32, %[[PIDX:[a-z0-9]+]]: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32)
// CHECK: %[[BASE:.*]] = arith.muli %[[PIDX]]
// A structured access: each element's address comes from its index (base + pid*64 + i),
// and the affine mask (offs < n) is recomputed in the loop; a tile wholly inside the
// mask takes an unmasked copy of the loop.
// CHECK: %[[START:.*]] = arith.extsi %[[BASE]] : i32 to i64
// CHECK: %[[FULL:.*]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i64
// CHECK: scf.if %[[FULL]] -> (tensor<64xf32>)
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[IX:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[OFF:.*]] = arith.addi %[[START]], %[[IX]] : i64
// CHECK: llvm.getelementptr %[[X]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: llvm.load
// CHECK: } else {
// CHECK: arith.cmpi slt, %{{.*}}, %{{.*}} : i64
// CHECK: scf.if
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
// CHECK: return
tt.func public @vector_add(%x: !tt.ptr<f32>, %n: i32) {
  %c64 = arith.constant 64 : i32
  %pid = tt.get_program_id x : i32
  %base = arith.muli %pid, %c64 : i32
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %b = tt.splat %base : i32 -> tensor<64xi32>
  %offs = arith.addi %b, %r : tensor<64xi32>
  %nn = tt.splat %n : i32 -> tensor<64xi32>
  %m = arith.cmpi slt, %offs, %nn : tensor<64xi32>
  %ps = tt.splat %x : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %p = tt.addptr %ps, %offs : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %v = tt.load %p, %m : tensor<64x!tt.ptr<f32>>
  %w = arith.addf %v, %v : tensor<64xf32>
  tt.store %p, %w, %m : tensor<64x!tt.ptr<f32>>
  tt.return
}

// -----

// A pointer tile advanced by a uniform step each iteration (a_ptrs += BLOCK_K) keeps its
// structured form in the loop: a scalar i64 iteration argument carries its offset, and
// loads address elements from it (no tile of addresses is read).
// CHECK-LABEL: func.func @advance
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %[[ACC:.*]] = %[[ZERO]]) -> (tensor<8xi64>, tensor<8xf32>, i64)
// CHECK: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: arith.addi %[[ACC]], %{{.*}} : i64
// CHECK: scf.yield
tt.func @advance(%x: !tt.ptr<f32>, %out: !tt.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %step = arith.constant dense<8> : tensor<8xi32>
  %r = tt.make_range {end = 8 : i32, start = 0 : i32} : tensor<8xi32>
  %ps = tt.splat %x : !tt.ptr<f32> -> tensor<8x!tt.ptr<f32>>
  %p0 = tt.addptr %ps, %r : tensor<8x!tt.ptr<f32>>, tensor<8xi32>
  %zero = arith.constant dense<0.0> : tensor<8xf32>
  %res:2 = scf.for %i = %c0 to %n step %c1 iter_args(%p = %p0, %acc = %zero) -> (tensor<8x!tt.ptr<f32>>, tensor<8xf32>) : i32 {
    %v = tt.load %p : tensor<8x!tt.ptr<f32>>
    %s = arith.addf %acc, %v : tensor<8xf32>
    %next = tt.addptr %p, %step : tensor<8x!tt.ptr<f32>>, tensor<8xi32>
    scf.yield %next, %s : tensor<8x!tt.ptr<f32>>, tensor<8xf32>
  }
  %os = tt.splat %out : !tt.ptr<f32> -> tensor<8x!tt.ptr<f32>>
  %o = tt.addptr %os, %r : tensor<8x!tt.ptr<f32>>, tensor<8xi32>
  tt.store %o, %res#1 : tensor<8x!tt.ptr<f32>>
  tt.return
}

// -----

// Offsets that are data (not affine in the indices) take the general path: a tile of
// i64 addresses, one load per element through llvm.inttoptr.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<16xi64>)
// CHECK: arith.constant 8 : i64
// CHECK: scf.for
// CHECK: tensor.extract %{{.*}}[%{{.*}}] : tensor<16xi64>
// CHECK: llvm.inttoptr %{{.*}} : i64 to !llvm.ptr
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> f64
tt.func @gather(%x: !tt.ptr<f64>, %idx: tensor<16xi32>) -> tensor<16xf64> {
  %ps = tt.splat %x : !tt.ptr<f64> -> tensor<16x!tt.ptr<f64>>
  %p = tt.addptr %ps, %idx : tensor<16x!tt.ptr<f64>>, tensor<16xi32>
  %v = tt.load %p : tensor<16x!tt.ptr<f64>>
  tt.return %v : tensor<16xf64>
}

// -----

// Booleans live in tensors as i8; elementwise ops become linalg.generic on scalars.
// CHECK-LABEL: func.func @bools
// CHECK: linalg.generic
// CHECK: arith.cmpi sgt, %{{.*}}, %{{.*}} : i32
// CHECK: arith.extui %{{.*}} : i1 to i8
// CHECK: linalg.yield %{{.*}} : i8
// CHECK: -> tensor<8xi8>
tt.func @bools(%a: tensor<8xi32>, %b: tensor<8xi32>) -> tensor<8xi1> {
  %0 = arith.cmpi sgt, %a, %b : tensor<8xi32>
  tt.return %0 : tensor<8xi1>
}

// -----

// A reduction with any combine region: element 0 seeds it (copied out by a loop, so a
// strided slice never needs a runtime copy), linalg.reduce does the rest.
// CHECK-LABEL: func.func @row_max
// CHECK: %[[INIT:.*]] = scf.for
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}] : tensor<4x16xf32>
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}] : tensor<4xf32>
// CHECK: %[[REST:.*]] = tensor.extract_slice %{{.*}}[0, 1] [4, 15] [1, 1] : tensor<4x16xf32> to tensor<4x15xf32>
// Reductions may be reassociated (Triton leaves their order open), so they vectorize.
// CHECK: linalg.reduce { arith.maxnumf {fastmath = #arith.fastmath<reassoc,contract>} } ins(%[[REST]] : tensor<4x15xf32>) outs(%[[INIT]] : tensor<4xf32>) dimensions = [1]
tt.func @row_max(%x: tensor<4x16xf32>) -> tensor<4xf32> {
  %0 = "tt.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %m = arith.maxnumf %a, %b : f32
    tt.reduce.return %m : f32
  }) : (tensor<4x16xf32>) -> tensor<4xf32>
  tt.return %0 : tensor<4xf32>
}

// -----

// A long reduction along the innermost axis runs in two stages: (64) is viewed as (4, 16),
// reduced across the 4 rows (16 independent lanes, vector code), then across the lanes.
// (A plain sum needs no second stage: LLVM vectorizes its reassociable chain.)
// CHECK-LABEL: func.func @max64
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 16] : tensor<64xf32> into tensor<4x16xf32>
// CHECK: linalg.reduce { arith.maxnumf } ins(%{{.*}} : tensor<3x16xf32>) outs(%{{.*}} : tensor<16xf32>) dimensions = [0]
// CHECK: linalg.reduce {{.*}} ins(%{{.*}} : tensor<15xf32>) outs(%{{.*}} : tensor<f32>) dimensions = [0]
tt.func @max64(%x: tensor<64xf32>) -> f32 {
  %0 = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.maxnumf %a, %b : f32
    tt.reduce.return %s : f32
  }) : (tensor<64xf32>) -> f32
  tt.return %0 : f32
}

// -----

// tl.dot accumulates into its third operand, iterating (m, k, n) so the inner loop is a
// row-wise FMA; f16 operands are extended to the f32 accumulator once per tile.
// CHECK-LABEL: func.func @dot
// CHECK: scf.for
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: tensor.insert %{{.*}} : tensor<16x8xf32>
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: tensor.insert %{{.*}} : tensor<8x32xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<16x8xf32>, tensor<8x32xf32>) outs(%{{.*}} : tensor<16x32xf32>)
// CHECK-NOT: arith.extf
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<contract> : f32
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<contract> : f32
tt.func @dot(%a: tensor<16x8xf16>, %b: tensor<8x32xf16>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %0 = tt.dot %a, %b, %c : tensor<16x8xf16> * tensor<8x32xf16> -> tensor<16x32xf32>
  tt.return %0 : tensor<16x32xf32>
}

// -----

// Atomics call helpers that flagtree-define-intrinsics defines after bufferization.
// CHECK-LABEL: func.func @atomic
// CHECK: call @__flagtree_rmw__fadd__acq_rel__f32(%{{.*}}, %{{.*}}) : (!llvm.ptr, f32) -> f32
// CHECK: func.func private @__flagtree_rmw__fadd__acq_rel__f32(!llvm.ptr, f32) -> f32
tt.func @atomic(%p: !tt.ptr<f32>, %v: f32) -> f32 {
  %0 = tt.atomic_rmw fadd, acq_rel, gpu, %p, %v : (!tt.ptr<f32>, f32) -> f32
  tt.return %0 : f32
}

// -----

// Calls pass the grid arguments through.
// CHECK-LABEL: func.func private @helper(%{{.*}}: f32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32, %{{.*}}: i32) -> f32
// CHECK-LABEL: func.func @caller
// CHECK: call @helper(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (f32, i32, i32, i32, i32, i32, i32) -> f32
tt.func private @helper(%x: f32) -> f32 {
  tt.return %x : f32
}
tt.func @caller(%x: f32) -> f32 {
  %0 = tt.call @helper(%x) : (f32) -> f32
  tt.return %0 : f32
}

// -----

// A store marked by `#@hint: nontemporal` (tt-apply-hints on cpu) is a streaming store.
// CHECK-LABEL: func.func @nontemporal_store(
// CHECK: llvm.store %{{.*}}, %{{.*}} {nontemporal} : f32, !llvm.ptr
// CHECK: llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
tt.func @nontemporal_store(%x: !tt.ptr<f32>, %y: !tt.ptr<f32>) {
  %r = tt.make_range {end = 64 : i32, start = 0 : i32} : tensor<64xi32>
  %xs = tt.splat %x : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %px = tt.addptr %xs, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  %v = tt.load %px : tensor<64x!tt.ptr<f32>>
  %ys = tt.splat %y : !tt.ptr<f32> -> tensor<64x!tt.ptr<f32>>
  %py = tt.addptr %ys, %r : tensor<64x!tt.ptr<f32>>, tensor<64xi32>
  tt.store %py, %v {flagtree.nontemporal} : tensor<64x!tt.ptr<f32>>
  tt.store %px, %v : tensor<64x!tt.ptr<f32>>
  tt.return
}
