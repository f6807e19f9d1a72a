// Bad input gives a located diagnostic and exit status 1, never a crash.
// RUN: not flagtree-opt %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not flagtree-opt %S/Inputs/garbage.txt 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: not flagtree-opt %S/Inputs/type-error.mlir 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not flagtree-opt %S/Inputs/valid.mlir --no-such-pass 2>&1 | FileCheck %s --check-prefix=PASS
// RUN: not flagtree-opt %S/Inputs/valid.mlir --tt-strip-debug-ops="nope=1" 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not flagtree-opt %S/Inputs/does-not-exist.mlir 2>&1 | FileCheck %s --check-prefix=MISSING

// UNKNOWN: flagtree-opt-errors.mlir:[[@LINE+2]]:8: error: custom op 'tt.frobnicate' is unknown
tt.func @unknown_op(%x: i32) {
  %0 = tt.frobnicate %x : i32
  tt.return
}

// GARBAGE: garbage.txt:1:1: error:
// TYPE: type-error.mlir:3:8: error: 'tt.splat' op requires the same element type
// PASS: flagtree-opt: error: bad pipeline element 'no-such-pass': 'no-such-pass' does not refer to a registered pass
// OPTION: flagtree-opt: error: pass 'tt-strip-debug-ops' has no option 'nope=1'
// MISSING: flagtree-opt: error: cannot read
// CHECK-NOT: Traceback
