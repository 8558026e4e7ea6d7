package ganlib

import (
	"sort"
	"strings"
	"testing"
)

// TestConfigSettingsMatchesDiffPresets checks that the settings whose values
// differ are exactly DiffPresets' lines, with the same values, for every pair
// of presets whose Conv sub-configs are both nil or both set.
func TestConfigSettingsMatchesDiffPresets(t *testing.T) {
	names := PresetNames()
	for _, na := range names {
		for _, nb := range names {
			a, b := MustPreset(na), MustPreset(nb)
			if (a.Generator.Conv == nil) != (b.Generator.Conv == nil) ||
				(a.Discriminator.Conv == nil) != (b.Discriminator.Conv == nil) {
				continue
			}
			sa, sb := ConfigSettings(a), ConfigSettings(b)
			var got []string
			for k, va := range sa {
				if vb, ok := sb[k]; !ok {
					t.Fatalf("%s vs %s: key %q only in the first", na, nb, k)
				} else if va != vb {
					got = append(got, k+": "+va+" → "+vb)
				}
			}
			sort.Strings(got)
			var want []string
			if d := DiffPresets(a, b); d != "" {
				want = strings.Split(d, "\n")
			}
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%s vs %s:\nConfigSettings differences:\n%s\nDiffPresets:\n%s",
					na, nb, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

func TestConfigSettingsValues(t *testing.T) {
	// values from the mnist-released preset (presets.go, after mnist.yaml)
	s := ConfigSettings(MustPreset("mnist-released"))
	for _, tc := range []struct{ name, key, want string }{
		{"name is quoted", "Name", `"mnist-released"`},
		{"learning rate", "OptD.LearningRate", "0.1"},
		{"dropout keep probabilities", "Discriminator.KeepProb", "[0.8 0.5 0.5]"},
		{"simultaneous update", "Simultaneous", "true"},
		{"unset conv generator", "Generator.Conv", "nil"},
		{"noise prior", "NoisePrior", `"uniform"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := s[tc.key]; got != tc.want {
				t.Errorf("ConfigSettings[%q] = %q, want %q", tc.key, got, tc.want)
			}
		})
	}
	// mnist-alg1 differs from mnist-released in Name and Simultaneous only
	// (presets.go: mnist-alg1 copies mnist-released with Simultaneous false, K 1)
	if d := DiffPresets(MustPreset("mnist-released"), MustPreset("mnist-alg1")); strings.Count(d, "\n")+1 != 2 {
		t.Errorf("DiffPresets(mnist-released, mnist-alg1) =\n%s\nwant 2 lines (Name, Simultaneous)", d)
	}
}
