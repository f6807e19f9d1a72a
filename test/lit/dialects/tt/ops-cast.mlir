// RUN: flagtree-opt %s --split-input-file | FileCheck %s
// RUN: flagtree-opt %s --split-input-file | flagtree-opt --split-input-file | FileCheck %s

// CHECK-LABEL: tt.func @int_ptr_casts
tt.func @int_ptr_casts(%p: !tt.ptr<f32>, %t: tensor<8x!tt.ptr<f32>>) {
  // CHECK: tt.ptr_to_int %{{.*}} : !tt.ptr<f32> -> i64
  %i = tt.ptr_to_int %p : !tt.ptr<f32> -> i64
  // CHECK: tt.int_to_ptr %{{.*}} : i64 -> !tt.ptr<f32>
  %q = tt.int_to_ptr %i : i64 -> !tt.ptr<f32>
  // CHECK: tt.ptr_to_int %{{.*}} : tensor<8x!tt.ptr<f32>> -> tensor<8xi64>
  %ti = tt.ptr_to_int %t : tensor<8x!tt.ptr<f32>> -> tensor<8xi64>
  // CHECK: tt.bitcast %{{.*}} : !tt.ptr<f32> -> !tt.ptr<i32>
  %b = tt.bitcast %p : !tt.ptr<f32> -> !tt.ptr<i32>
  tt.return
}

// -----

// CHECK-LABEL: tt.func @float_casts
tt.func @float_casts(%x: tensor<16xf32>, %h: tensor<16xf16>) {
  // CHECK: tt.bitcast %{{.*}} : tensor<16xf32> -> tensor<16xi32>
  %0 = tt.bitcast %x : tensor<16xf32> -> tensor<16xi32>
  // CHECK: tt.fp_to_fp %{{.*}}, rounding = rtne : tensor<16xf32> -> tensor<16xf8E4M3FN>
  %1 = tt.fp_to_fp %x, rounding = rtne : tensor<16xf32> -> tensor<16xf8E4M3FN>
  // CHECK: tt.fp_to_fp %{{.*}}, rounding = rtz : tensor<16xf32> -> tensor<16xbf16>
  %2 = tt.fp_to_fp %x, rounding = rtz : tensor<16xf32> -> tensor<16xbf16>
  // CHECK: tt.fp_to_fp %{{.*}} : tensor<16xf8E4M3FN> -> tensor<16xf32>
  %3 = tt.fp_to_fp %1 : tensor<16xf8E4M3FN> -> tensor<16xf32>
  // CHECK: tt.fp_to_fp %{{.*}} : tensor<16xf16> -> tensor<16xf8E5M2>
  %4 = tt.fp_to_fp %h, rounding = rtne : tensor<16xf16> -> tensor<16xf8E5M2>
  tt.return
}
