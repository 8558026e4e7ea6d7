package kernelext

import (
	"context"
	"fmt"
	"html"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
)

// WidgetTimeout bounds how long a Form waits for the notebook front-end to
// acknowledge its widgets. Front-ends that run no JavaScript (nbconvert, VS
// Code) never answer; the form then falls back to its defaults.
var WidgetTimeout = 10 * time.Second

// Knob is one setting of a Form, shown as a drop-down list of Options.
type Knob struct {
	// Name is the key in Values, e.g. "g_hidden".
	Name string
	// Label is the text shown; "" shows Name.
	Label string
	// Options are the values offered, as text (parsed by Values.Int,
	// Values.Float).
	Options []string
	// Default is the index in Options used when headless.
	Default int
}

// IntKnob offers integer options with def selected; def is added in front if
// it is not among options.
func IntKnob(name string, options []int, def int) Knob {
	strs := make([]string, len(options))
	for i, o := range options {
		strs[i] = strconv.Itoa(o)
	}
	return ChoiceKnob(name, strs, strconv.Itoa(def))
}

// FloatKnob offers float options (learning rates, keep probabilities) with def
// selected; def is added in front if it is not among options.
func FloatKnob(name string, options []float64, def float64) Knob {
	strs := make([]string, len(options))
	for i, o := range options {
		strs[i] = strconv.FormatFloat(o, 'g', -1, 64)
	}
	return ChoiceKnob(name, strs, strconv.FormatFloat(def, 'g', -1, 64))
}

// ChoiceKnob offers named options (loss variant, noise prior) with def
// selected; def is added in front if it is not among options.
func ChoiceKnob(name string, options []string, def string) Knob {
	idx := slices.Index(options, def)
	if idx < 0 {
		options = append([]string{def}, options...)
		idx = 0
	}
	return Knob{Name: name, Options: options, Default: idx}
}

// Values maps knob names to the selected option text.
type Values map[string]string

// Int parses the value of name as an int.
func (v Values) Int(name string) (int, error) {
	s, ok := v[name]
	if !ok {
		return 0, fmt.Errorf("kernelext: no setting %q", name)
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("kernelext: setting %q = %q is not an integer", name, s)
	}
	return i, nil
}

// Float parses the value of name as a float64.
func (v Values) Float(name string) (float64, error) {
	s, ok := v[name]
	if !ok {
		return 0, fmt.Errorf("kernelext: no setting %q", name)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("kernelext: setting %q = %q is not a number", name, s)
	}
	return f, nil
}

// Form is a set of knobs plus a "Train" button. In an interactive notebook,
// Runs yields the selected values each time the button is clicked; headless
// (Headless() true: not a notebook, or EnvNotebookMode set) it yields the
// defaults once and never waits.
type Form struct {
	Title string
	Knobs []Knob
	// Button is the button's label; "" means "Train".
	Button string
}

// NewForm validates the knobs: non-empty unique names, at least one option
// each, Default within Options.
func NewForm(title string, knobs ...Knob) (*Form, error) {
	seen := map[string]bool{}
	for i, k := range knobs {
		if k.Name == "" {
			return nil, fmt.Errorf("kernelext: form %q knob %d has no Name", title, i)
		}
		if seen[k.Name] {
			return nil, fmt.Errorf("kernelext: form %q has two knobs named %q", title, k.Name)
		}
		seen[k.Name] = true
		if len(k.Options) == 0 {
			return nil, fmt.Errorf("kernelext: form %q knob %q has no Options", title, k.Name)
		}
		if k.Default < 0 || k.Default >= len(k.Options) {
			return nil, fmt.Errorf("kernelext: form %q knob %q has Default %d, want 0..%d",
				title, k.Name, k.Default, len(k.Options)-1)
		}
	}
	return &Form{Title: title, Knobs: knobs}, nil
}

// Defaults returns each knob's default option.
func (f *Form) Defaults() Values {
	v := Values{}
	for _, k := range f.Knobs {
		v[k.Name] = k.Options[k.Default]
	}
	return v
}

// Table lists the values in knob order, to show which settings a run used
// (a static output that stays in the saved notebook).
func (f *Form) Table(v Values) Table {
	t := Table{Caption: f.Title, Header: []string{"setting", "value"}}
	for _, k := range f.Knobs {
		label := k.Label
		if label == "" {
			label = k.Name
		}
		t.Rows = append(t.Rows, []string{label, v[k.Name]})
	}
	return t
}

// Runs yields one Values per run. Headless: the defaults, once. In an
// interactive notebook: it shows the knobs and the button, and yields the
// current selection at each click, until ctx is done (e.g. InterruptContext)
// or the loop breaks. If the front-end does not acknowledge the widgets within
// WidgetTimeout, it yields the defaults once. Each yielded Values is also
// displayed as a table.
func (f *Form) Runs(ctx context.Context) iter.Seq[Values] {
	return func(yield func(Values) bool) {
		if Headless() {
			v := f.Defaults()
			DisplayTable(f.Table(v))
			yield(v)
			return
		}

		// build the widgets; Done() blocks until the front-end answers
		type built struct {
			selects []*widgets.SelectBuilder
			button  *widgets.ButtonBuilder
		}
		ready := make(chan built, 1)
		go func() {
			divID := "kernelext_form_" + gonbui.UniqueId()
			gonbui.DisplayHTML(fmt.Sprintf(`<div id=%q style="font:13px sans-serif"><b>%s</b><br/></div>`,
				divID, html.EscapeString(f.Title)))
			var b built
			for _, k := range f.Knobs {
				label := k.Label
				if label == "" {
					label = k.Name
				}
				dom.Append(divID, fmt.Sprintf("<span>%s</span> ", html.EscapeString(label)))
				b.selects = append(b.selects, widgets.Select(k.Options).SetDefault(k.Default).
					AppendTo(divID).Done())
				dom.Append(divID, "<br/>")
			}
			name := f.Button
			if name == "" {
				name = "Train"
			}
			b.button = widgets.Button(name).AppendTo(divID).Done()
			ready <- b
		}()
		var b built
		select {
		case b = <-ready:
		case <-time.After(WidgetTimeout):
			DisplayHTML("form", fmt.Sprintf("<i>widgets did not answer within %s; using defaults</i>",
				WidgetTimeout))
			v := f.Defaults()
			DisplayTable(f.Table(v))
			yield(v)
			return
		case <-ctx.Done():
			return
		}

		clicks := b.button.Listen()
		defer clicks.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-clicks.C:
				if !ok {
					return
				}
			}
			v := Values{}
			for i, k := range f.Knobs {
				idx := b.selects[i].Value()
				if idx < 0 || idx >= len(k.Options) {
					idx = k.Default
				}
				v[k.Name] = k.Options[idx]
			}
			DisplayTable(f.Table(v))
			if !yield(v) {
				return
			}
		}
	}
}
