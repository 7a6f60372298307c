trace --dump testdata/trace/y_dual.trace testdata/trace/y_dual.trace
