trace --min-severity info --dump testdata/trace/go1.26/y_dual.txt testdata/trace/go1.26/y_dual.trace
