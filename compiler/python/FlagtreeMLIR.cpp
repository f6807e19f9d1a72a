//===- FlagtreeMLIR.cpp - flagtree's Python extension -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The `flagtree._flagtree_mlir` module: registers flagtree's dialects in an
// upstream MLIR 22 Python context (`mlir.ir.Context`). Built with RTTI for
// nanobind, so it sees only MLIR's C API (Registration.h).
//
//===----------------------------------------------------------------------===//

#include "mlir/Bindings/Python/NanobindAdaptors.h"

#include "Registration.h"

namespace nb = nanobind;

NB_MODULE(_flagtree_mlir, m) {
  m.doc() = "flagtree's MLIR dialects (the `tt` mirror of Triton's TTIR)";
  m.def("register_dialects", &flagtreeRegisterDialects, nb::arg("context"),
        "Register and load flagtree's dialects in `context`.");
}
