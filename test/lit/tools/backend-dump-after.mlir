// `--dump-after ANCHOR` prints the IR at an anchor of the backend's pipeline (repeatable; the
// pipeline stops at the last one); `--backend` alone runs it to where the backend takes over.
// RUN: flagtree-opt %S/Inputs/vector-add.ttir --backend cpu --dump-after linalg | FileCheck %s --check-prefix=LINALG
// RUN: flagtree-opt %S/Inputs/vector-add.ttir --backend cpu --dump-after ttir --dump-after loops | FileCheck %s --check-prefix=TWO
// RUN: flagtree-opt %S/Inputs/vector-add.ttir --backend cpu | FileCheck %s --check-prefix=LLVM
// The cpu backend's `flagtree-expand-math` at anchor `loops` is what removes math.exp:
// RUN: flagtree-opt %S/Inputs/vector-add.ttir --dump-after loops | FileCheck %s --check-prefix=SHARED

// LINALG: // -----// IR after anchor 'linalg' (backend 'cpu') //----- //
// LINALG: func.func @vector_add(
// LINALG: math.exp
// LINALG-NOT: tt.load

// TWO: // -----// IR after anchor 'ttir' (backend 'cpu') //----- //
// TWO: tt.func public @vector_add
// TWO: // -----// IR after anchor 'loops' (backend 'cpu') //----- //
// TWO-NOT: math.exp
// TWO: scf.for
// TWO-NOT: IR after anchor

// LLVM: llvm.func @vector_add(
// LLVM-NOT: scf.for

// SHARED: // -----// IR after anchor 'loops' (backend '(none)') //----- //
// SHARED: math.exp
