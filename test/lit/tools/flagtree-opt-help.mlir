// RUN: flagtree-opt --help | FileCheck %s
// CHECK: usage: flagtree-opt
// CHECK: --split-input-file
// CHECK: --verify-diagnostics
// CHECK: flagtree passes
// CHECK: --tt-strip-debug-ops
// CHECK: keep-asserts
