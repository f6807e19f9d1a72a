// RUN: flagtree-opt %s --split-input-file --verify-diagnostics

// expected-error@+2 {{expected non-function type}}
// expected-error@+1 {{failed to parse TT_PtrType parameter 'pointeeType'}}
tt.func @ptr_missing_pointee(%p: !tt.ptr<>) {
  tt.return
}

// -----

// expected-error@+1 {{expected static shape}}
tt.func @desc_dynamic(%d: !tt.tensordesc<?x16xf16>) {
  tt.return
}

// -----

// expected-error@+2 {{expected integer value}}
// expected-error@+1 {{failed to parse TT_PtrType parameter 'addressSpace'}}
tt.func @ptr_addrspace(%p: !tt.ptr<f32, global>) {
  tt.return
}
