//===- TTDialect.td - The `tt` dialect: Triton's TTIR on MLIR 22 -*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// flagtree's own definition of the `tt` dialect, written so that the TTIR text
// Triton 3.9 prints parses unchanged and re-prints identically.
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_TT_DIALECT
#define FLAGTREE_TT_DIALECT

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def TT_Dialect : Dialect {
  let name = "tt";
  let cppNamespace = "::mlir::flagtree::tt";
  let summary = "Triton's target-independent IR (TTIR), mirrored for upstream MLIR";
  let description = [{
    The `tt` dialect holds the ops, types and attributes Triton 3.9's frontend
    and TTIR passes emit. Tensors are builtin ranked tensors; pointers are
    `!tt.ptr<T, addrspace>` and tensor descriptors `!tt.tensordesc<...>`.
    flagtree's shared passes lower it to upstream dialects.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerTypes();
    void registerAttributes();
  }];
}

#endif // FLAGTREE_TT_DIALECT
