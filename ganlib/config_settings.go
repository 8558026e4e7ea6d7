package ganlib

import "reflect"

// ConfigSettings flattens cfg into one entry per setting, keyed by its field
// path ("OptD.LearningRate", "Discriminator.KeepProb") with the value written
// as DiffPresets writes it ("0.1", "[0.8 0.5 0.5]", `"mnist-released"`, "nil"
// for an unset pointer). The keys whose values differ between two configs are
// exactly the lines of DiffPresets(a, b) when every pointer field (the Conv
// sub-configs) is nil in both or set in both; a pointer set in one config only
// is one DiffPresets line but here a "nil" entry on one side and the
// sub-fields on the other. Notebooks show the difference as a table
// (kernelext.DiffTable), which also counts the equal settings.
func ConfigSettings(cfg Config) map[string]string {
	out := map[string]string{}
	flattenSettings("", reflect.ValueOf(cfg), out)
	return out
}

func flattenSettings(prefix string, v reflect.Value, out map[string]string) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			name := v.Type().Field(i).Name
			if prefix != "" {
				name = prefix + "." + name
			}
			flattenSettings(name, v.Field(i), out)
		}
	case reflect.Pointer:
		if v.IsNil() {
			out[prefix] = "nil"
			return
		}
		flattenSettings(prefix, v.Elem(), out)
	default:
		out[prefix] = showValue(v)
	}
}
