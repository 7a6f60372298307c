gc testdata/gctrace/i_scvg_only.log
