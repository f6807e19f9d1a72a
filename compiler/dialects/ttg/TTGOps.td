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

// The single address spaces and `all`, with Triton's bit values. Combinations of
// several spaces (other than `all`) never occur in TTIR and are not accepted.
def TTG_AddrSpace : I32EnumAttr<"AddrSpace", "memory a barrier orders", [
    I32EnumAttrCase<"None", 0, "none">, I32EnumAttrCase<"Local", 1, "local">,
    I32EnumAttrCase<"GlobalRead", 2, "global_read">,
    I32EnumAttrCase<"GlobalWrite", 4, "global_write">,
    I32EnumAttrCase<"TensorRead", 8, "tensor_read">,
    I32EnumAttrCase<"TensorWrite", 16, "tensor_write">,
    I32EnumAttrCase<"All", 31, "all">]> {
  let cppNamespace = "::mlir::flagtree::ttg";
}

def TTG_BarrierOp : Op<TTG_Dialect, "barrier"> {
  let summary = "Synchronize the threads of a program over the named memory";
  let arguments = (ins TTG_AddrSpace:$addrSpace);
  let assemblyFormat = "$addrSpace attr-dict";
}

#endif // FLAGTREE_TTG_OPS
