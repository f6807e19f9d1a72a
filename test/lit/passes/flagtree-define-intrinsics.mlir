// RUN: flagtree-opt %s --flagtree-define-intrinsics | FileCheck %s

// Other declarations are left alone; definitions are appended.
// CHECK: func.func private @unrelated(f32) -> f32
// CHECK-LABEL: func.func private @__flagtree_rmw__fadd__acq_rel__f32(%{{.*}}: !llvm.ptr, %{{.*}}: f32) -> f32
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK: llvm.atomicrmw fadd %{{.*}}, %{{.*}} acq_rel : !llvm.ptr, f32
// CHECK-LABEL: func.func private @__flagtree_cas__acq_rel__acquire__i32
// CHECK: llvm.cmpxchg %{{.*}}, %{{.*}}, %{{.*}} acq_rel acquire : !llvm.ptr, i32
// CHECK: llvm.extractvalue
func.func private @__flagtree_rmw__fadd__acq_rel__f32(!llvm.ptr, f32) -> f32
func.func private @__flagtree_cas__acq_rel__acquire__i32(!llvm.ptr, i32, i32) -> i32
func.func private @unrelated(f32) -> f32
