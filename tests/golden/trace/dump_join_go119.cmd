trace --dump testdata/trace/y_dual.txt testdata/trace/y_dual.trace
