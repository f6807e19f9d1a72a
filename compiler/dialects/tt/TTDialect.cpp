//===- TTDialect.cpp - The `tt` dialect: types, verifiers, syntax ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// Implements what ODS leaves to C++: the tensor descriptor syntax, `tt.func`'s
// syntax, symbol checks of `tt.call`, memory effects and op verifiers.
//
//===----------------------------------------------------------------------===//

#include "TTDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::flagtree::tt;

#include "TTDialect.cpp.inc"
#include "TTEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "TTTypes.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "TTAttrs.cpp.inc"

#define GET_OP_CLASSES
#include "TTOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Dialect
//===----------------------------------------------------------------------===//

void TTDialect::initialize() {
  registerTypes();
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "TTOps.cpp.inc"
      >();
}

void TTDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "TTTypes.cpp.inc"
      >();
}

void TTDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "TTAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Type helpers
//===----------------------------------------------------------------------===//

Type mlir::flagtree::tt::getPointeeType(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    if (auto ptr = dyn_cast<PointerType>(tensor.getElementType()))
      return RankedTensorType::get(tensor.getShape(), ptr.getPointeeType(),
                                   tensor.getEncoding());
    return Type();
  }
  if (auto ptr = dyn_cast<PointerType>(type))
    return ptr.getPointeeType();
  return Type();
}

Type mlir::flagtree::tt::getI1SameShape(Type type) {
  auto i1 = IntegerType::get(type.getContext(), 1);
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return RankedTensorType::get(tensor.getShape(), i1, tensor.getEncoding());
  return i1;
}

static unsigned getBitWidth(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    type = tensor.getElementType();
  if (isa<PointerType>(type))
    return 64;
  return type.getIntOrFloatBitWidth();
}

static ArrayRef<int64_t> getShapeOrEmpty(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return tensor.getShape();
  return {};
}

/// Equal types, or integers of one width that differ only in signedness: Triton
/// prints descriptor blocks signed (`si32`) over signless values (`i32`).
static bool isSameModuloSign(Type a, Type b) {
  return a == b || (a.isInteger() && b.isInteger() &&
                    a.getIntOrFloatBitWidth() == b.getIntOrFloatBitWidth());
}

static int64_t getNumElements(Type type) {
  int64_t n = 1;
  for (int64_t d : getShapeOrEmpty(type))
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// !tt.tensordesc<16x32xf16>
//===----------------------------------------------------------------------===//

Type TensorDescType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  Type elementType;
  Attribute encoding;
  if (parser.parseLess() || parser.parseDimensionList(shape, /*allowDynamic=*/false) ||
      parser.parseType(elementType))
    return Type();
  if (succeeded(parser.parseOptionalComma()) && parser.parseAttribute(encoding))
    return Type();
  if (parser.parseGreater())
    return Type();
  return TensorDescType::get(parser.getContext(),
                             RankedTensorType::get(shape, elementType, encoding));
}

void TensorDescType::print(AsmPrinter &printer) const {
  RankedTensorType block = getBlockType();
  printer << "<";
  for (int64_t dim : block.getShape())
    printer << dim << "x";
  printer << block.getElementType();
  if (block.getEncoding())
    printer << ", " << block.getEncoding();
  printer << ">";
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

LogicalResult BitcastOp::verify() {
  if (getBitWidth(getSrc().getType()) != getBitWidth(getResult().getType()))
    return emitOpError("requires source and result of the same bit width, got ")
           << getSrc().getType() << " and " << getResult().getType();
  return success();
}

LogicalResult FpToFpOp::verify() {
  unsigned from = getBitWidth(getSrc().getType());
  unsigned to = getBitWidth(getResult().getType());
  if (to < from && !getRounding())
    return emitOpError("needs a rounding mode to narrow ") << getSrc().getType()
                                                           << " to " << getResult().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult UnsplatOp::verify() {
  if (getNumElements(getSrc().getType()) != 1)
    return emitOpError("requires a tensor of exactly one element, got ") << getSrc().getType();
  return success();
}

LogicalResult ExpandDimsOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto dst = cast<RankedTensorType>(getResult().getType());
  int64_t axis = getAxis();
  if (axis < 0 || axis > src.getRank())
    return emitOpError("axis ") << axis << " is out of range for rank " << src.getRank();
  SmallVector<int64_t> shape(src.getShape());
  shape.insert(shape.begin() + axis, 1);
  if (ArrayRef<int64_t>(shape) != dst.getShape())
    return emitOpError("result shape must be the source shape with 1 inserted at axis ") << axis;
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getNumElements(getSrc().getType()) != getNumElements(getResult().getType()))
    return emitOpError("must keep the number of elements: ")
           << getSrc().getType() << " vs " << getResult().getType();
  return success();
}

LogicalResult BroadcastOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType()).getShape();
  auto dst = cast<RankedTensorType>(getResult().getType()).getShape();
  if (src.size() != dst.size())
    return emitOpError("requires source and result of the same rank");
  for (auto [s, d] : llvm::zip(src, dst))
    if (s != d && s != 1)
      return emitOpError("can only grow dimensions of size 1, got ") << s << " -> " << d;
  return success();
}

LogicalResult CatOp::verify() {
  if (2 * getNumElements(getLhs().getType()) != getNumElements(getResult().getType()))
    return emitOpError("result must hold the elements of both operands");
  return success();
}

LogicalResult JoinOp::verify() {
  SmallVector<int64_t> shape(getShapeOrEmpty(getLhs().getType()));
  shape.push_back(2);
  if (ArrayRef<int64_t>(shape) != getShapeOrEmpty(getResult().getType()))
    return emitOpError("result shape must be the operand shape with a minor dimension of 2");
  return success();
}

LogicalResult SplitOp::verify() {
  ArrayRef<int64_t> src = getShapeOrEmpty(getSrc().getType());
  if (src.empty() || src.back() != 2)
    return emitOpError("requires a minor dimension of size 2, got ") << getSrc().getType();
  if (src.drop_back() != getShapeOrEmpty(getOutLHS().getType()))
    return emitOpError("results must drop the minor dimension of the source");
  return success();
}

LogicalResult TransOp::verify() {
  ArrayRef<int32_t> order = getOrder();
  ArrayRef<int64_t> src = getShapeOrEmpty(getSrc().getType());
  ArrayRef<int64_t> dst = getShapeOrEmpty(getResult().getType());
  if (order.size() != src.size() || dst.size() != src.size())
    return emitOpError("order must have one entry per dimension");
  SmallVector<bool> seen(order.size(), false);
  for (auto [i, o] : llvm::enumerate(order)) {
    if (o < 0 || o >= static_cast<int32_t>(order.size()) || seen[o])
      return emitOpError("order must be a permutation of [0, rank)");
    seen[o] = true;
    if (dst[i] != src[o])
      return emitOpError("result shape does not match the permuted source shape");
  }
  return success();
}

LogicalResult GatherOp::verify() {
  auto src = cast<RankedTensorType>(getSrc().getType());
  auto indices = cast<RankedTensorType>(getIndices().getType());
  auto result = cast<RankedTensorType>(getResult().getType());
  if (src.getRank() != indices.getRank())
    return emitOpError("source and indices must have the same rank");
  if (result.getShape() != indices.getShape() ||
      result.getElementType() != src.getElementType())
    return emitOpError("result must have the indices' shape and the source's element type");
  if (getAxis() >= src.getRank())
    return emitOpError("axis ") << getAxis() << " is out of range for rank " << src.getRank();
  return success();
}

LogicalResult MakeRangeOp::verify() {
  int64_t start = getStartAttr().getInt(), end = getEndAttr().getInt();
  auto type = cast<RankedTensorType>(getResult().getType());
  if (end <= start)
    return emitOpError("requires start < end, got [") << start << ", " << end << ")";
  if (type.getRank() != 1 || type.getShape()[0] != end - start ||
      !type.getElementType().isInteger(32))
    return emitOpError("result must be tensor<") << end - start << "xi32>";
  return success();
}

//===----------------------------------------------------------------------===//
// Dot
//===----------------------------------------------------------------------===//

LogicalResult DotOp::verify() {
  auto a = cast<RankedTensorType>(getA().getType()).getShape();
  auto b = cast<RankedTensorType>(getB().getType()).getShape();
  auto c = cast<RankedTensorType>(getC().getType()).getShape();
  if (a.size() != b.size() || a.size() != c.size() || a.size() < 2 || a.size() > 3)
    return emitOpError("operands must all be 2-D or all 3-D (batched)");
  size_t r = a.size();
  if (a[r - 1] != b[r - 2])
    return emitOpError("reduction dimensions differ: ") << a[r - 1] << " vs " << b[r - 2];
  if (c[r - 2] != a[r - 2] || c[r - 1] != b[r - 1] || (r == 3 && (a[0] != b[0] || a[0] != c[0])))
    return emitOpError("accumulator shape does not match the product shape");
  return success();
}

//===----------------------------------------------------------------------===//
// Reduce, scan, map_elementwise
//===----------------------------------------------------------------------===//

/// The terminator of a combine region's only block, or null (with an error).
static Operation *getCombineTerminator(Operation *op, Region &region) {
  if (region.empty() || region.front().empty() ||
      !region.front().back().hasTrait<OpTrait::IsTerminator>()) {
    op->emitOpError("region must end with a terminator");
    return nullptr;
  }
  return &region.front().back();
}

static SmallVector<Type> getElementTypes(ValueRange values) {
  SmallVector<Type> types;
  for (Value v : values)
    types.push_back(cast<RankedTensorType>(v.getType()).getElementType());
  return types;
}

/// The combine region of reduce and scan: 2N scalar arguments of the operands'
/// element types, yielding N values of those types.
static LogicalResult verifyCombineRegion(Operation *op, Region &region, ValueRange srcs) {
  SmallVector<Type> elems = getElementTypes(srcs);
  Operation *terminator = getCombineTerminator(op, region);
  if (!terminator)
    return failure();
  Block &block = region.front();
  if (block.getNumArguments() != 2 * elems.size())
    return op->emitOpError("combine region needs ")
           << 2 * elems.size() << " arguments, has " << block.getNumArguments();
  for (auto [i, arg] : llvm::enumerate(block.getArguments()))
    if (arg.getType() != elems[i % elems.size()])
      return op->emitOpError("combine region argument ")
             << i << " has type " << arg.getType() << ", expected " << elems[i % elems.size()];
  if (terminator->getNumOperands() != elems.size())
    return op->emitOpError("combine region must yield ") << elems.size() << " values";
  for (auto [i, v] : llvm::enumerate(terminator->getOperands()))
    if (v.getType() != elems[i])
      return op->emitOpError("combine region yields ")
             << v.getType() << " for result " << i << ", expected " << elems[i];
  return success();
}

static LogicalResult verifyAxis(Operation *op, ValueRange srcs, int64_t axis) {
  if (srcs.empty())
    return op->emitOpError("needs at least one operand");
  int64_t rank = cast<RankedTensorType>(srcs.front().getType()).getRank();
  if (axis < 0 || axis >= rank)
    return op->emitOpError("axis ") << axis << " is out of range for rank " << rank;
  return success();
}

LogicalResult ReduceOp::verify() {
  if (failed(verifyAxis(*this, getSrcs(), getAxis())))
    return failure();
  if (getNumResults() != getSrcs().size())
    return emitOpError("needs one result per operand");
  for (auto [src, res] : llvm::zip(getSrcs(), getResult())) {
    auto type = cast<RankedTensorType>(src.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + getAxis());
    Type expected = shape.empty()
                        ? type.getElementType()
                        : Type(RankedTensorType::get(shape, type.getElementType(),
                                                     type.getEncoding()));
    if (shape.empty() ? res.getType() != expected
                      : getShapeOrEmpty(res.getType()) != ArrayRef<int64_t>(shape))
      return emitOpError("result type ") << res.getType() << " should be " << expected;
  }
  return success();
}

LogicalResult ReduceOp::verifyRegions() {
  return verifyCombineRegion(*this, getCombineOp(), getSrcs());
}

LogicalResult ScanOp::verify() {
  if (failed(verifyAxis(*this, getSrcs(), getAxis())))
    return failure();
  if (getNumResults() != getSrcs().size())
    return emitOpError("needs one result per operand");
  for (auto [src, res] : llvm::zip(getSrcs(), getResult()))
    if (src.getType() != res.getType())
      return emitOpError("results must have the operands' types");
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  return verifyCombineRegion(*this, getCombineOp(), getSrcs());
}

LogicalResult MapElementwiseOp::verifyRegions() {
  // The region may hold control flow (an `if` in the scalar function): check the
  // entry block's arguments and every `tt.map_elementwise.return`.
  Region &region = getScalarOp();
  if (region.empty())
    return emitOpError("region must not be empty");
  unsigned pack = getPack();
  if (pack < 1)
    return emitOpError("pack must be at least 1");
  if (region.front().getNumArguments() != getSrcs().size() * pack)
    return emitOpError("region needs ") << getSrcs().size() * pack << " arguments";
  for (Block &block : region) {
    if (block.empty() || !block.back().hasTrait<OpTrait::IsTerminator>())
      return emitOpError("every block of the region must end with a terminator");
    if (isa<MapElementwiseReturnOp>(block.back()) &&
        block.back().getNumOperands() != getNumResults() * pack)
      return emitOpError("region must yield ") << getNumResults() * pack << " values";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// External code
//===----------------------------------------------------------------------===//

static void addGlobalEffects(
    bool pure, SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  if (pure)
    return;
  effects.emplace_back(MemoryEffects::Read::get(), GlobalMemory::get());
  effects.emplace_back(MemoryEffects::Write::get(), GlobalMemory::get());
}

void ExternElementwiseOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  addGlobalEffects(getPure(), effects);
}

void ElementwiseInlineAsmOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>> &effects) {
  addGlobalEffects(getPure(), effects);
}

LogicalResult ElementwiseInlineAsmOp::verify() {
  if (getPackedElement() < 1)
    return emitOpError("packed_element must be at least 1");
  if (getNumResults() == 0)
    return emitOpError("must produce at least one result");
  return success();
}

//===----------------------------------------------------------------------===//
// Tensor descriptors
//===----------------------------------------------------------------------===//

static LogicalResult verifyDescAccess(Operation *op, TensorDescType desc, ValueRange indices,
                                      Type tile) {
  RankedTensorType block = desc.getBlockType();
  if (static_cast<int64_t>(indices.size()) != block.getRank())
    return op->emitOpError("needs ") << block.getRank() << " indices, got " << indices.size();
  if (getNumElements(tile) != block.getNumElements() ||
      !isSameModuloSign(cast<RankedTensorType>(tile).getElementType(), block.getElementType()))
    return op->emitOpError("tile ") << tile << " does not match the descriptor block " << block;
  return success();
}

LogicalResult MakeTensorDescOp::verify() {
  RankedTensorType block = getResult().getType().getBlockType();
  if (block.getRank() < 1)
    return emitOpError("needs a block of rank 1 or more");
  if (getShape().size() != getStrides().size() ||
      static_cast<int64_t>(getShape().size()) != block.getRank())
    return emitOpError("needs one shape and one stride value per block dimension");
  if (!isSameModuloSign(getBase().getType().getPointeeType(), block.getElementType()))
    return emitOpError("base pointer must point to the block's element type");
  return success();
}

LogicalResult DescriptorLoadOp::verify() {
  return verifyDescAccess(*this, getDesc().getType(), getIndices(), getResult().getType());
}

LogicalResult DescriptorStoreOp::verify() {
  return verifyDescAccess(*this, getDesc().getType(), getIndices(), getSrc().getType());
}

LogicalResult DescriptorReduceOp::verify() {
  return verifyDescAccess(*this, getDesc().getType(), getIndices(), getSrc().getType());
}

//===----------------------------------------------------------------------===//
// Functions
//===----------------------------------------------------------------------===//

ParseResult FuncOp::parse(OpAsmParser &parser, OperationState &result) {
  auto buildType = [](Builder &builder, ArrayRef<Type> args, ArrayRef<Type> results,
                      function_interface_impl::VariadicFlag, std::string &) {
    return builder.getFunctionType(args, results);
  };
  return function_interface_impl::parseFunctionOp(
      parser, result, /*allowVariadic=*/false, getFunctionTypeAttrName(result.name), buildType,
      getArgAttrsAttrName(result.name), getResAttrsAttrName(result.name));
}

void FuncOp::print(OpAsmPrinter &printer) {
  function_interface_impl::printFunctionOp(printer, *this, /*isVariadic=*/false,
                                           getFunctionTypeAttrName(), getArgAttrsAttrName(),
                                           getResAttrsAttrName());
}

LogicalResult CallOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto fn = symbolTable.lookupNearestSymbolFrom<FuncOp>(*this, getCalleeAttr());
  if (!fn)
    return emitOpError("'") << getCallee() << "' does not name a tt.func";
  FunctionType type = fn.getFunctionType();
  if (!llvm::equal(type.getInputs(), getOperandTypes()) ||
      !llvm::equal(type.getResults(), getResultTypes()))
    return emitOpError("operand or result types do not match @") << getCallee() << ": " << type;
  return success();
}

LogicalResult ReturnOp::verify() {
  auto fn = (*this)->getParentOfType<FuncOp>();
  ArrayRef<Type> expected = fn.getFunctionType().getResults();
  if (!llvm::equal(getSrcs().getTypes(), expected))
    return emitOpError("returns ") << getSrcs().size() << " values of the wrong types for @"
                                   << fn.getName();
  return success();
}
