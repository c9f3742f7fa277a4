package intake

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// Ctrl+A in a multiple choice must not tick "prefer not to answer" together
// with the answers: that option is exclusive.
func TestFormSelectAllNeverTicksPreferNot(t *testing.T) {
	e := newEngine(t, "en")
	q, _ := e.Schema().Question("clothing.items")
	answers := map[string]Answer{}
	field, read, _ := (&Form{}).field(e, q, nil, answers)
	ms := field.(*huh.MultiSelect[string])
	ms.WithKeyMap(KeyMap("en"))
	ms.Focus()
	ms.Update(tea.KeyMsg{Type: tea.KeyCtrlA})
	read()
	if a := answers[q.ID]; a.Skipped || len(a.Value.([]string)) > 0 {
		t.Fatalf("Ctrl+A gave %+v", a)
	}
	if err := ms.Error(); err != nil {
		t.Fatalf("after Ctrl+A the field says %v", err)
	}
}
