// The op locations name Inputs/hinted_kernel.py (substituted for @SRC@): each op gets the
// hints written on its source line, translated for the chosen backend.
// RUN: sed 's|@SRC@|%S/Inputs/hinted_kernel.py|g' %s | flagtree-opt --tt-apply-hints="backend=cpu" 2>%t.cpu.err | FileCheck %s --check-prefix=CPU
// RUN: FileCheck %s --check-prefix=CPU-WARN < %t.cpu.err
// RUN: sed 's|@SRC@|%S/Inputs/hinted_kernel.py|g' %s | flagtree-opt --tt-apply-hints="backend=nvidia" 2>/dev/null | FileCheck %s --check-prefix=NV
// RUN: sed 's|@SRC@|%S/Inputs/hinted_kernel.py|g' %s | flagtree-opt --tt-apply-hints="backend=amd" 2>/dev/null | FileCheck %s --check-prefix=NV
// Without the source file there are no hints and nothing changes.
// RUN: sed 's|@SRC@|%S/Inputs/missing.py|g' %s | flagtree-opt --tt-apply-hints="backend=nvidia" | FileCheck %s --check-prefix=NONE

// CPU-LABEL: tt.func @hinted
// CPU: scf.for
// CPU: tt.load {{.*}}flagtree.hints = ["evict_last", "shared_memory"]
// CPU-NOT: cachePolicy
// CPU: tt.store {{.*}}{flagtree.hints = ["nontemporal"], flagtree.nontemporal}
// CPU: } {flagtree.hints = ["unroll=2"], tt.loop_unroll_factor = 2 : i32}
// CPU: scf.for
// CPU: } {flagtree.hints = ["num_stages=3"]}
// CPU-WARN-DAG: hint 'shared_memory' is not implemented on backend 'cpu'
// CPU-WARN-DAG: hint 'num_stages' is not implemented on backend 'cpu'

// NV-LABEL: tt.func @hinted
// NV: tt.load {{.*}}cachePolicy = #tt.cache_policy<cache_modifier = none, eviction_policy = evict_last>
// NV: tt.store {{.*}}cachePolicy = #tt.cache_policy<cache_modifier = none, eviction_policy = evict_first>
// NV-NOT: flagtree.nontemporal
// NV: } {flagtree.hints = ["unroll=2"], tt.loop_unroll_factor = 2 : i32}
// NV: } {flagtree.hints = ["num_stages=3"], tt.num_stages = 3 : i32}

// NONE-NOT: flagtree.hints
tt.func @hinted(%x: !tt.ptr<f32>, %y: !tt.ptr<f32>, %n: i32) {
  %c0 = arith.constant 0 : i32
  %c1 = arith.constant 1 : i32
  %c4 = arith.constant 4 : i32
  scf.for %i = %c0 to %c4 step %c1 : i32 {
    %px = tt.addptr %x, %i : !tt.ptr<f32>, i32 loc(#src5)
    %v = tt.load %px : !tt.ptr<f32> loc(#src5)
    %py = tt.addptr %y, %i : !tt.ptr<f32>, i32 loc(#src6)
    tt.store %py, %v : !tt.ptr<f32> loc(#src6)
  } loc(#src4)
  scf.for %j = %c0 to %c4 step %c1 : i32 {
    %px = tt.addptr %x, %j : !tt.ptr<f32>, i32 loc(#src8)
    %v = tt.load %px : !tt.ptr<f32> loc(#src8)
    tt.store %px, %v : !tt.ptr<f32> loc(#src8)
  } loc(#src7)
  tt.return
}
#src4 = loc("@SRC@":4:4)
#src5 = loc("@SRC@":5:12)
#src6 = loc("@SRC@":6:8)
#src7 = loc("@SRC@":7:4)
#src8 = loc("@SRC@":8:8)
