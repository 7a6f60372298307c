trace --dump testdata/trace/go1.26/y_dual.txt testdata/trace/y_dual.trace
