//===- Registration.h - C entry points of flagtree's dialects -------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// A C-API-style boundary between the no-RTTI MLIR code and the nanobind glue.
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_PYTHON_REGISTRATION_H
#define FLAGTREE_PYTHON_REGISTRATION_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers flagtree's dialects with `context` and loads them.
void flagtreeRegisterDialects(MlirContext context);

#ifdef __cplusplus
}
#endif

#endif // FLAGTREE_PYTHON_REGISTRATION_H
