package data

import (
	"fmt"
	"strings"
	"testing"
)

func ExampleGather() {
	// three 1x2 "images" holding (0,1), (10,11), (20,21), labelled 7, 8, 9
	im := &Images{N: 3, H: 1, W: 2, C: 1, Pix: []float32{0, 1, 10, 11, 20, 21},
		Labels: []int{7, 8, 9}, Range: ValueRange{0, 21}}
	out, err := Gather(im, []int{2, 0, 2})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.N, out.Pix, out.Labels, out.Range)
	// Output: 3 [20 21 0 1 20 21] [9 7 9] {0 21}
}

func TestGather(t *testing.T) {
	im := &Images{N: 2, H: 1, W: 1, C: 2, Pix: []float32{1, 2, 3, 4}, Range: RangeUnit}
	for _, tc := range []struct {
		name    string
		indices []int
		want    []float32
		errPart string
	}{
		{"empty selection", []int{}, []float32{}, ""},
		{"reversed", []int{1, 0}, []float32{3, 4, 1, 2}, ""},
		{"negative index", []int{0, -1}, nil, "indices[1] = -1 is outside [0, 2)"},
		{"past the end", []int{2}, nil, "indices[0] = 2 is outside [0, 2)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Gather(im, tc.indices)
			if tc.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errPart) {
					t.Fatalf("Gather(%v) error = %v, want one containing %q", tc.indices, err, tc.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.N != len(tc.indices) || fmt.Sprint(out.Pix) != fmt.Sprint(tc.want) || out.Labels != nil {
				t.Errorf("Gather(%v) = N %d, Pix %v, Labels %v; want N %d, Pix %v, no labels",
					tc.indices, out.N, out.Pix, out.Labels, len(tc.indices), tc.want)
			}
			if err := out.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
	// the result is a copy: changing it leaves im alone
	out, _ := Gather(im, []int{0})
	out.Pix[0] = 99
	if im.Pix[0] != 1 {
		t.Error("Gather shares memory with its input; want a copy")
	}
	if _, err := Gather(nil, []int{0}); err == nil {
		t.Error("Gather(nil) returned no error")
	}
}
