//===- TTGDialect.cpp - The `ttg` ops found in TTIR ---------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Registers the generated `ttg` ops.
//
//===----------------------------------------------------------------------===//

#include "TTGDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace mlir::flagtree::ttg;

#include "TTGDialect.cpp.inc"
#include "TTGEnums.cpp.inc"

#define GET_OP_CLASSES
#include "TTGOps.cpp.inc"

void TTGDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "TTGOps.cpp.inc"
      >();
}
