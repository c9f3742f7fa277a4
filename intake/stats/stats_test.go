package stats

import "testing"

// The report states its method in English as the package does.
func TestMethodInCatalog(t *testing.T) {
	if got := word("method", "en"); got != Method {
		t.Errorf("the English catalog's method is %q, the package's %q", got, Method)
	}
	if got := word("method", "id"); got == Method {
		t.Error("the Indonesian report states its method in English")
	}
}
