// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func private @helper(%{{.*}}: f32, %{{.*}}: f32) -> f32 attributes {noinline = true}
tt.func private @helper(%a: f32, %b: f32) -> f32 attributes {noinline = true} {
  %0 = arith.addf %a, %b : f32
  // CHECK: tt.return %{{.*}} : f32
  tt.return %0 : f32
}

// CHECK-LABEL: tt.func public @kernel(%{{.*}}: !tt.ptr<f32> {tt.divisibility = 16 : i32, tt.pointer_range = 32 : i32}, %{{.*}}: i32 {tt.divisibility = 16 : i32})
tt.func public @kernel(%p: !tt.ptr<f32> {tt.divisibility = 16 : i32, tt.pointer_range = 32 : i32}, %n: i32 {tt.divisibility = 16 : i32}) attributes {noinline = false} {
  %x = tt.load %p : !tt.ptr<f32>
  // CHECK: tt.call @helper(%{{.*}}, %{{.*}}) : (f32, f32) -> f32
  %y = tt.call @helper(%x, %x) : (f32, f32) -> f32
  tt.store %p, %y : !tt.ptr<f32>
  tt.return
}

// CHECK-LABEL: tt.func @declaration(i32) -> i32
tt.func @declaration(i32) -> i32
