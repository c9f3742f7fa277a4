package intake

import (
	"reflect"
	"testing"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// hints lists the help of every key binding in v.
func hints(v reflect.Value) []key.Help {
	var out []key.Help
	for i := range v.NumField() {
		f := v.Field(i)
		if b, ok := f.Addr().Interface().(*key.Binding); ok {
			out = append(out, b.Help())
		} else if f.Kind() == reflect.Struct {
			out = append(out, hints(f)...)
		}
	}
	return out
}

// Every key hint huh shows has a text in every catalog, and the key map
// says them in the language asked for: the hints under each screen were
// English whatever the language.
func TestKeyHintsTranslated(t *testing.T) {
	english := hints(reflect.ValueOf(huh.NewDefaultKeyMap()).Elem())
	if len(english) < 40 {
		t.Fatalf("only %d key bindings; is the walk broken?", len(english))
	}
	for _, lang := range catalog.Languages() {
		got := hints(reflect.ValueOf(KeyMap(lang)).Elem())
		for i, h := range english {
			if h.Desc == "" {
				continue
			}
			id := KeyHintID(h.Desc)
			if !catalog.Has(lang, id) {
				t.Errorf("%s catalog has no %s for huh's %q", lang, id, h.Desc)
				continue
			}
			if want := catalog.Text(lang, id); got[i].Desc != want || got[i].Key != h.Key {
				t.Errorf("%s: key %s says %q, want %q", lang, got[i].Key, got[i].Desc, want)
			}
		}
	}
	if d := KeyMap("id").Select.Up.Help().Desc; d != "atas" {
		t.Errorf("in Bahasa Indonesia ↑ says %q", d)
	}
}
