// RUN: flagtree-opt %s | FileCheck %s
// RUN: flagtree-opt %s | flagtree-opt | FileCheck %s

// CHECK-LABEL: tt.func @external_code
tt.func @external_code(%x: tensor<16xf32>, %y: tensor<16xf32>, %i: tensor<16xi8>) {
  // CHECK: tt.extern_elementwise %{{.*}} {libname = "", libpath = "", pure = true, symbol = "__nv_tanhf"} : (tensor<16xf32>) -> tensor<16xf32>
  %0 = tt.extern_elementwise %x {libname = "", libpath = "", pure = true, symbol = "__nv_tanhf"} : (tensor<16xf32>) -> tensor<16xf32>
  // CHECK: tt.extern_elementwise %{{.*}}, %{{.*}} {{.*}}symbol = "__nv_powf"{{.*}} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %1 = tt.extern_elementwise %x, %y {libname = "libdevice", libpath = "/x/libdevice.bc", pure = false, symbol = "__nv_powf"} : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  // CHECK: tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %{{.*}} : tensor<16xf32> -> tensor<16xf32>
  %2 = tt.elementwise_inline_asm "mov.b32 $0, $1;" {constraints = "=r,r", packed_element = 1 : i32, pure = true} %x : tensor<16xf32> -> tensor<16xf32>
  // CHECK: tt.elementwise_inline_asm "{{.*}}" {{.*}} %{{.*}} : tensor<16xi8> -> tensor<16xf32>, tensor<16xf32>
  %3:2 = tt.elementwise_inline_asm "cvt $0, $1, $2;" {constraints = "=r,=r,r", packed_element = 4 : i32, pure = false} %i : tensor<16xi8> -> tensor<16xf32>, tensor<16xf32>
  tt.return
}
