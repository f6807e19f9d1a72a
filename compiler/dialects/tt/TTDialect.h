//===- TTDialect.h - The `tt` dialect ------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Declarations generated from TTDialect.td, TTTypes.td, TTAttrs.td and TTOps.td,
// plus the type helpers the op definitions use.
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_DIALECTS_TT_TTDIALECT_H
#define FLAGTREE_DIALECTS_TT_TTDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "TTDialect.h.inc"
#include "TTEnums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "TTTypes.h.inc"

#define GET_ATTRDEF_CLASSES
#include "TTAttrs.h.inc"

namespace mlir::flagtree::tt {

/// The side-effect resource of global memory, read and written by memory ops.
struct GlobalMemory : public SideEffects::Resource::Base<GlobalMemory> {
  llvm::StringRef getName() final { return "<GlobalMemory>"; }
};

/// `!tt.ptr<T>` -> T, `tensor<NxM x !tt.ptr<T>>` -> `tensor<NxM x T>`.
Type getPointeeType(Type type);
/// A value of `i1` with the shape of `type` (scalar or tensor).
Type getI1SameShape(Type type);

} // namespace mlir::flagtree::tt

#define GET_OP_CLASSES
#include "TTOps.h.inc"

#endif // FLAGTREE_DIALECTS_TT_TTDIALECT_H
