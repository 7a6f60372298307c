module target-cost

go 1.19
