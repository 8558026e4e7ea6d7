//go:build !amd64

package cpu

func vzeroupper() {}
