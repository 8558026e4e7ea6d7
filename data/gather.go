package data

import "fmt"

// Gather returns a new batch (a copy) holding the images of im at indices,
// in that order, with their labels when im has labels; an index may repeat.
// It serves, for example, the nearest training example of each sample
// (Figure 2 of the paper) from the indices a neighbour search returns. An
// index outside [0, N) is an error naming its position and value.
func Gather(im *Images, indices []int) (*Images, error) {
	if im == nil {
		return nil, fmt.Errorf("data.Gather: images is nil")
	}
	if err := im.Validate(); err != nil {
		return nil, fmt.Errorf("data.Gather: %w", err)
	}
	d := im.Dim()
	out := &Images{N: len(indices), H: im.H, W: im.W, C: im.C, Range: im.Range,
		Pix: make([]float32, 0, len(indices)*d)}
	if im.Labels != nil {
		out.Labels = make([]int, 0, len(indices))
	}
	for pos, i := range indices {
		if i < 0 || i >= im.N {
			return nil, fmt.Errorf("data.Gather: indices[%d] = %d is outside [0, %d)", pos, i, im.N)
		}
		out.Pix = append(out.Pix, im.Image(i)...)
		if im.Labels != nil {
			out.Labels = append(out.Labels, im.Labels[i])
		}
	}
	return out, nil
}
