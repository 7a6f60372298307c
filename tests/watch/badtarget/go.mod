module example.com/badtarget

go 1.19
