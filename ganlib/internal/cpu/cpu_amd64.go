package cpu

// vzeroupper executes the VZEROUPPER instruction; only call it when HasAVX.
//
//go:noescape
func vzeroupper()
