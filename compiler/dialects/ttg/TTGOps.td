//===- TTGOps.td - The part of `ttg` that appears in TTIR ------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Triton 3.9 emits one TritonGPU op before layouts exist: `ttg.barrier`
// (from `tl.debug_barrier`). flagtree mirrors just that op.
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_TTG_OPS
#define FLAGTREE_TTG_OPS

include "mlir/IR/OpBase.td"
include "mlir/IR/EnumAttr.td"

def TTG_Dialect : Dialect {
  let name = "ttg";
  let cppNamespace = "::mlir::flagtree::ttg";
  let summary = "The TritonGPU ops that Triton's TTIR already contains";
}

def TTG_AddrNone : I32BitEnumAttrCaseNone<"None", "none">;
def TTG_AddrLocal : I32BitEnumAttrCaseBit<"Local", 0, "local">;
def TTG_AddrGlobalRead : I32BitEnumAttrCaseBit<"GlobalRead", 1, "global_read">;
def TTG_AddrGlobalWrite : I32BitEnumAttrCaseBit<"GlobalWrite", 2, "global_write">;
def TTG_AddrTensorRead : I32BitEnumAttrCaseBit<"TensorRead", 3, "tensor_read">;
def TTG_AddrTensorWrite : I32BitEnumAttrCaseBit<"TensorWrite", 4, "tensor_write">;
def TTG_AddrAll : I32BitEnumAttrCaseGroup<"All", [TTG_AddrLocal, TTG_AddrGlobalRead,
    TTG_AddrGlobalWrite, TTG_AddrTensorRead, TTG_AddrTensorWrite], "all">;

def TTG_AddrSpace : I32BitEnumAttr<"AddrSpace", "memory a barrier orders", [
    TTG_AddrNone, TTG_AddrLocal, TTG_AddrGlobalRead, TTG_AddrGlobalWrite,
    TTG_AddrTensorRead, TTG_AddrTensorWrite, TTG_AddrAll]> {
  let cppNamespace = "::mlir::flagtree::ttg";
  let separator = " | ";
}

def TTG_BarrierOp : Op<TTG_Dialect, "barrier"> {
  let summary = "Synchronize the threads of a program over the named memory";
  let arguments = (ins TTG_AddrSpace:$addrSpace);
  let assemblyFormat = "$addrSpace attr-dict";
}

#endif // FLAGTREE_TTG_OPS
