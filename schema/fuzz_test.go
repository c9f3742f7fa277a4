package schema

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the questionnaire decoder: it must
// return a questionnaire or an error, never panic, and a questionnaire it
// accepts must hold up to what the engine relies on.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../testdata/schema/*.json")
	files = append(files, "questionnaires/rescue-needs.json")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		if len(s.Pages) == 0 || len(s.Languages) == 0 || len(s.Hash) != 64 {
			t.Fatalf("accepted a questionnaire without pages, languages or hash")
		}
		for _, p := range s.Pages {
			for _, q := range p.Questions {
				if q.When != nil {
					q.When.Eval(func(string) (any, bool) { return true, true })
				}
				if q.Check != nil {
					q.Check.Eval(func(string) (any, bool) { return "x", true })
				}
			}
		}
	})
}
