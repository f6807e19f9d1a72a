// RUN: not flagtree-opt %s --split-input-file 2>/dev/null | FileCheck %s
// RUN: not flagtree-opt %s --split-input-file --canonicalize --cse 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR

// Each part is parsed on its own; a broken part does not hide the others.
// CHECK: tt.func @first
// CHECK: // -----
// CHECK: tt.func @third
tt.func @first() {
  tt.return
}

// -----

// ERR: split-input-file.mlir:[[@LINE+1]]:3: error: custom op 'not_an_op' is unknown
  not_an_op

// -----

tt.func @third() {
  tt.return
}
