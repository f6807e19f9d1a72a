//===- TTGDialect.h - The `ttg` ops found in TTIR -----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declarations generated from TTGOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_DIALECTS_TTG_TTGDIALECT_H
#define FLAGTREE_DIALECTS_TTG_TTGDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

#include "TTGDialect.h.inc"
#include "TTGEnums.h.inc"

#define GET_OP_CLASSES
#include "TTGOps.h.inc"

#endif // FLAGTREE_DIALECTS_TTG_TTGDIALECT_H
