//go:build !(goexperiment.simd && amd64)

package evaluation

func dirtyUpperState() bool { return false }
