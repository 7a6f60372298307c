package p

func f(c chan int) {
	go func() { c <- 1 }()
	select {}
}
