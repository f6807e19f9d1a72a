//===- Registration.cpp - C entry points of flagtree's dialects ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Implements Registration.h on MLIR's C++ API (compiled without RTTI).
//
//===----------------------------------------------------------------------===//

#include "Registration.h"

#include "mlir/CAPI/IR.h"

#include "TTDialect.h"
#include "TTGDialect.h"

void flagtreeRegisterDialects(MlirContext context) {
  mlir::MLIRContext *ctx = unwrap(context);
  mlir::DialectRegistry registry;
  registry.insert<mlir::flagtree::tt::TTDialect, mlir::flagtree::ttg::TTGDialect>();
  ctx->appendDialectRegistry(registry);
  ctx->loadDialect<mlir::flagtree::tt::TTDialect, mlir::flagtree::ttg::TTGDialect>();
}
