package sync

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every reason the code refuses a file for has its English text and its
// advice, and every reason in the table is used: a user interface
// translates by these keys, so a key that is missing is a silent English
// sentence, or none at all.
func TestRejectionsComplete(t *testing.T) {
	var src []byte
	for _, name := range []string{"import.go", "referrals.go", "cases.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src = append(src, b...)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`reject\("([a-z_]+)"|key = "([a-z_]+)"|key := "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		used[m[1]+m[2]+m[3]] = true
	}
	if len(used) < 20 {
		t.Fatalf("found only %d reasons in import.go; is the scan broken?", len(used))
	}
	for k := range used {
		r, ok := Rejections[k]
		if !ok {
			t.Errorf("import.go refuses for %q, which Rejections lacks", k)
			continue
		}
		if _, ok := RejectHints[r.Hint]; !ok {
			t.Errorf("reason %q has advice %q, which RejectHints lacks", k, r.Hint)
		}
	}
	hints := map[string]bool{}
	for k, r := range Rejections {
		hints[r.Hint] = true
		if !used[k] {
			t.Errorf("Rejections has %q, which nothing uses", k)
		}
		if strings.Contains(r.Format, "\n") {
			t.Errorf("reason %q is not one line", k)
		}
	}
	for k := range RejectHints {
		if !hints[k] {
			t.Errorf("RejectHints has %q, which no reason uses", k)
		}
	}
}
