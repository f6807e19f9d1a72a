//===- TTTypes.td - Types of the `tt` dialect ------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// `!tt.ptr<T[, addrspace]>` and `!tt.tensordesc<shape x T>`, plus the type
// constraints the ops use (pointer-like, float-like, int-like, ...).
//
//===----------------------------------------------------------------------===//

#ifndef FLAGTREE_TT_TYPES
#define FLAGTREE_TT_TYPES

include "TTDialect.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class TT_TypeDef<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<TT_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def TT_PtrType : TT_TypeDef<"Pointer", "ptr"> {
  let summary = "Pointer to a scalar or to a tensor, in an address space";
  let description = [{
    `!tt.ptr<f32>` points to global memory (address space 1, the default, which
    is not printed); `!tt.ptr<f32, 3>` names another address space.
  }];
  let parameters = (ins "Type":$pointeeType,
                        DefaultValuedParameter<"int", "1">:$addressSpace);
  let assemblyFormat = "`<` $pointeeType (`,` $addressSpace^)? `>`";
  let builders = [
    TypeBuilderWithInferredContext<(ins "Type":$pointeeType, CArg<"int", "1">:$addressSpace), [{
      return $_get(pointeeType.getContext(), pointeeType, addressSpace);
    }]>
  ];
}

def TT_TensorDescType : TT_TypeDef<"TensorDesc", "tensordesc"> {
  let summary = "Descriptor of a tiled view of a tensor in global memory";
  let description = [{
    `!tt.tensordesc<16x32xf16>` describes blocks of 16x32 f16 values; its block
    type is the ranked tensor `tensor<16x32xf16>`.
  }];
  let parameters = (ins "RankedTensorType":$blockType);
  let hasCustomAssemblyFormat = 1;
}

// Element type groups.
def TT_Float : AnyTypeOf<[F8E4M3FNUZ, F8E4M3FN, F8E4M3B11FNUZ, F8E5M2, F8E5M2FNUZ,
                          F16, BF16, F32, F64], "floating-point">;
def TT_FloatTensor : RankedTensorOf<[TT_Float]>;
def TT_FloatLike : AnyTypeOf<[TT_Float, TT_FloatTensor]>;

def TT_BoolTensor : RankedTensorOf<[I1]>;
def TT_BoolLike : AnyTypeOf<[I1, TT_BoolTensor]>;

def TT_Int : AnyTypeOf<[I1, I8, I16, I32, I64], "integer">;
def TT_IntTensor : RankedTensorOf<[TT_Int]>;
def TT_IntLike : AnyTypeOf<[TT_Int, TT_IntTensor]>;

def TT_I32Like : AnyTypeOf<[I32, RankedTensorOf<[I32]>]>;
def TT_I64Like : AnyTypeOf<[I64, RankedTensorOf<[I64]>]>;

def TT_Ptr : DialectType<TT_Dialect, CPred<"::llvm::isa<::mlir::flagtree::tt::PointerType>($_self)">,
                         "pointer", "::mlir::flagtree::tt::PointerType">;
def TT_PtrTensor : RankedTensorOf<[TT_Ptr]>;
def TT_PtrLike : AnyTypeOf<[TT_Ptr, TT_PtrTensor]>;
def TT_TensorDesc : DialectType<TT_Dialect, CPred<"::llvm::isa<::mlir::flagtree::tt::TensorDescType>($_self)">,
                                "tensor descriptor", "::mlir::flagtree::tt::TensorDescType">;

def TT_FpIntTensor : AnyTypeOf<[TT_FloatTensor, TT_IntTensor]>;
def TT_Tensor : AnyTypeOf<[TT_FpIntTensor, TT_PtrTensor]>;
def TT_Type : AnyTypeOf<[TT_FloatLike, TT_IntLike, TT_PtrLike]>;

#endif // FLAGTREE_TT_TYPES
