// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// Reduce, scan and map_elementwise print in generic form, as Triton prints them.

// CHECK-LABEL: tt.func @argmax
tt.func @argmax(%v: tensor<4x32xf32>, %i: tensor<4x32xi32>) {
  // CHECK: %{{.*}}:2 = "tt.reduce"(%{{.*}}, %{{.*}}) <{axis = 1 : i32}> ({
  // CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: i32, %{{.*}}: f32, %{{.*}}: i32):
  // CHECK:   tt.reduce.return %{{.*}}, %{{.*}} : f32, i32
  // CHECK: }) : (tensor<4x32xf32>, tensor<4x32xi32>) -> (tensor<4xf32>, tensor<4xi32>)
  %0:2 = "tt.reduce"(%v, %i) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %ai: i32, %b: f32, %bi: i32):
    %gt = arith.cmpf ogt, %a, %b : f32
    %m = arith.select %gt, %a, %b : f32
    %mi = arith.select %gt, %ai, %bi : i32
    tt.reduce.return %m, %mi : f32, i32
  }) : (tensor<4x32xf32>, tensor<4x32xi32>) -> (tensor<4xf32>, tensor<4xi32>)
  tt.return
}

// CHECK-LABEL: tt.func @full_reduce_and_scan
tt.func @full_reduce_and_scan(%x: tensor<128xi32>) {
  // CHECK: "tt.reduce"(%{{.*}}) <{axis = 0 : i32}>
  // CHECK: -> i32
  %s = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: i32, %b: i32):
    %r = arith.addi %a, %b : i32
    tt.reduce.return %r : i32
  }) : (tensor<128xi32>) -> i32
  // CHECK: "tt.scan"(%{{.*}}) <{axis = 0 : i32, reverse = true}>
  // CHECK: tt.scan.return
  %c = "tt.scan"(%x) <{axis = 0 : i32, reverse = true}> ({
  ^bb0(%a: i32, %b: i32):
    %r = arith.muli %a, %b : i32
    tt.scan.return %r : i32
  }) : (tensor<128xi32>) -> tensor<128xi32>
  tt.return
}

// CHECK-LABEL: tt.func @map
tt.func @map(%x: tensor<16xf32>) {
  // CHECK: "tt.map_elementwise"(%{{.*}}) <{pack = 2 : i32}>
  // CHECK: tt.map_elementwise.return %{{.*}}, %{{.*}} : f32, f32
  %0 = "tt.map_elementwise"(%x) <{pack = 2 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    tt.map_elementwise.return %b, %a : f32, f32
  }) : (tensor<16xf32>) -> tensor<16xf32>
  tt.return
}
