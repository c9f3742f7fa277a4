package main

import (
	"strings"
	"testing"
)

// Every kind of audit entry reads back unchanged in English and in
// Bahasa Indonesia's own words, names and numbers kept.
func TestAuditText(t *testing.T) {
	samples := []string{
		"vault created", "contact added: Yayasan Pelangi", "contact removed: Yayasan Pelangi",
		"bundle 3 exported: 12 records, 1 withdrawal notices", "settings changed: erase after failed unlocks: off",
		"settings changed: erase after 10 failed unlocks", "settings changed", "passphrase added for Dewi",
		"passphrase changed for Sari; master key changed", "passphrase removed for Dewi; master key not changed: older key slots remain",
		"key slot updated for Sari", "record deleted: consent withdrawn at the source",
		"bundle 4 imported: 3 records, 0 deletions", "receipt 2 imported: 5 records, 1 deletions",
		"consent withdrawn: record deleted", "deletion confirmed by a partner", "7 records received (bundle 9)",
		"2000 records saved from an answers file", "record saved (draft)", "record updated (complete)",
		"record marked delivered", "sharing consent bound to partner keys", "record deleted", "record viewed",
		"questionnaire added: htcds-intake", "questionnaire removed: htcds-intake", "vault identity exported",
		"cases pushed to PostgreSQL: 10 added or changed, 2 removed, pseudonymous",
		"cases exported: 10 records, identified, xlsx",
	}
	en := &app{langFlag: "en", streams: &streams{getenv: func(string) string { return "" }}}
	id := &app{langFlag: "id", streams: &streams{getenv: func(string) string { return "" }}}
	for _, s := range samples {
		if got := en.auditText(s); got != s {
			t.Errorf("in English %q reads %q", s, got)
		}
		got := id.auditText(s)
		if got == s {
			t.Errorf("%q is not translated", s)
		}
		for _, w := range strings.Fields(s) {
			if strings.ContainsAny(w, "0123456789") && !strings.Contains(got, strings.Trim(w, "()")) {
				t.Errorf("%q lost %s: %q", s, w, got)
			}
		}
		for _, w := range []string{"record", "records", "the", "by", "for", "changed", "added", "removed"} {
			for _, g := range strings.Fields(got) {
				if g == w {
					t.Errorf("%q reads %q in Bahasa Indonesia, with the English %q", s, got, w)
				}
			}
		}
	}
	if got := id.auditText("contact added: draft"); got != "kontak ditambahkan: draft" {
		t.Errorf("a contact named draft reads %q", got)
	}
	if got := id.auditText("something a newer fieldvault wrote"); got != "something a newer fieldvault wrote" {
		t.Errorf("an unknown entry reads %q", got)
	}
}
