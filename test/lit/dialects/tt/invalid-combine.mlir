// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

tt.func @reduce_region_arity(%x: tensor<16xf32>) {
  // expected-error@+1 {{combine region needs 2 arguments, has 3}}
  %0 = "tt.reduce"(%x) <{axis = 0 : i32}> ({
  ^bb0(%a: f32, %b: f32, %c: f32):
    tt.reduce.return %a : f32
  }) : (tensor<16xf32>) -> f32
  tt.return
}

// -----

tt.func @reduce_result_shape(%x: tensor<4x16xf32>) {
  // expected-error@+1 {{result type 'tensor<16xf32>' should be}}
  %0 = "tt.reduce"(%x) <{axis = 1 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    tt.reduce.return %s : f32
  }) : (tensor<4x16xf32>) -> tensor<16xf32>
  tt.return
}

// -----

tt.func @scan_yield_type(%x: tensor<16xi32>) {
  // expected-error@+1 {{combine region yields 'f32' for result 0, expected 'i32'}}
  %0 = "tt.scan"(%x) <{axis = 0 : i32, reverse = false}> ({
  ^bb0(%a: i32, %b: i32):
    %f = arith.sitofp %a : i32 to f32
    tt.scan.return %f : f32
  }) : (tensor<16xi32>) -> tensor<16xi32>
  tt.return
}

// -----

tt.func @reduce_axis(%x: tensor<16xf32>) {
  // expected-error@+1 {{axis 2 is out of range for rank 1}}
  %0 = "tt.reduce"(%x) <{axis = 2 : i32}> ({
  ^bb0(%a: f32, %b: f32):
    tt.reduce.return %a : f32
  }) : (tensor<16xf32>) -> f32
  tt.return
}

// -----

tt.func @map_pack(%x: tensor<16xf32>) {
  // expected-error@+1 {{region needs 2 arguments}}
  %0 = "tt.map_elementwise"(%x) <{pack = 2 : i32}> ({
  ^bb0(%a: f32):
    tt.map_elementwise.return %a : f32
  }) : (tensor<16xf32>) -> tensor<16xf32>
  tt.return
}

// -----

tt.func @map_pack_zero(%x: tensor<16xf32>) {
  // expected-error@+1 {{pack must be at least 1}}
  %0 = "tt.map_elementwise"(%x) <{pack = 0 : i32}> ({
  ^bb0:
    tt.map_elementwise.return
  }) : (tensor<16xf32>) -> tensor<16xf32>
  tt.return
}
