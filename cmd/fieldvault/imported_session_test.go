//go:build unix

package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A questionnaire imported from the HTCDS toolkit's XLSForm and added to the
// vault is offered by the home screen's new intake, opens with the consent
// block, and is stored and read back like the built-in one.
func TestSessionImportedForm(t *testing.T) {
	sv := newSessionVault(t)
	sv.run("", "init", "--worker", "Sari")
	form, err := filepath.Abs("../../testdata/schema/htcds-xlsform.json")
	if err != nil {
		t.Fatal(err)
	}
	sv.run("", "schema", "add", form)
	tm := sv.start()
	tm.unlock()
	tm.keys("Enter") // New intake
	tm.wait(`Which questionnaire\?[\s\S]*Immediate needs after a rescue \(rescue-needs 3\)[\s\S]*htcds_xlsform \(htcds-xlsform vSmt4GQA3C9uBMLPEVfgND\)`)
	tm.choose(`htcds_xlsform`)
	tm.wait(`In which language is the interview\?[\s\S]*> English`)
	tm.keys("Enter")
	tm.wait(`Read this aloud before any question`)
	tm.keys("Enter")
	// The consent block first, as in rescue-needs.
	tm.wait(`Page 1 of 2: Consent[\s\S]*Do you agree to talk with me now\?`)
	tm.keys("Enter")
	tm.wait(`Who is giving consent\?`)
	tm.keys("Enter", "Down", "Enter", "Enter")
	tm.wait(`Which kinds of help do you agree to be referred to\?`)
	tm.keys("Enter", "Enter", "Down", "Enter", "Enter")
	// Then the form: its own consent question is a gate, then HTCDS's
	// person and case fields.
	tm.wait(`Page 2 of 2: htcds_xlsform[\s\S]*Consent`)
	tm.keys("Enter") // Yes
	tm.wait(`Salutation`)
	tm.keys("Enter")
	tm.wait(`First Name`)
	tm.keys("text:CanaryImported", "Enter")
	for range 80 {
		if strings.Contains(tm.screen(), "Summary to read back") {
			break
		}
		tm.keys("Enter")
		time.Sleep(150 * time.Millisecond)
	}
	tm.wait(`Summary to read back`)
	tm.keys("Enter")
	tm.wait(`Saved record [0-9a-f]{8}[\s\S]*Records \(1\)`)
	tm.choose("Quit")
	tm.wait(`EXIT=0`)

	list := sv.run("", "list")
	if !strings.Contains(list, "htcds-xlsform") {
		t.Fatalf("list does not show the imported questionnaire's record:\n%s", list)
	}
	id := strings.Fields(strings.Split(strings.TrimSpace(list), "\n")[1])[0]
	shown := sv.run("", "show", id)
	for _, want := range []string{"First Name\n    CanaryImported", "\n  Consent\n    Yes", "Gender\n    (prefer not to answer)", "Do you agree to talk with me now?\n    Yes"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the record does not show %q:\n%s", want, shown)
		}
	}
}
