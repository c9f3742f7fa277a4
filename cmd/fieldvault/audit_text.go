package main

import (
	"regexp"
	"strings"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// auditActions are the entries vault and the commands write into the audit
// log, matched so that the log reads in the interface language. The log
// keeps what was written, in English: it is hashed into the chain. An entry
// not matched here (from a newer fieldvault) is shown as written.
var auditActions = []struct {
	re *regexp.Regexp
	id string
	// words: the arguments are a record's state or how identifying an
	// export was, said in the interface language (not names, which stay).
	words bool
}{
	{regexp.MustCompile(`^vault created$`), "auditlog.vault_created", false},
	{regexp.MustCompile(`^service directory imported: (\d+) services$`), "auditlog.directory_imported", false},
	{regexp.MustCompile(`^referral sent: (\S+)$`), "auditlog.referral_sent", false},
	{regexp.MustCompile(`^referral accepted: (\S+)$`), "auditlog.referral_accepted", false},
	{regexp.MustCompile(`^referral declined: (\S+)$`), "auditlog.referral_declined", false},
	{regexp.MustCompile(`^referral done: (\S+)$`), "auditlog.referral_done", false},
	{regexp.MustCompile(`^referral revoked: (\S+)$`), "auditlog.referral_revoked", false},
	{regexp.MustCompile(`^referrals updated from (.+): (\d+)$`), "auditlog.referrals_updated", false},
	{regexp.MustCompile(`^referrals revoked on withdrawal: (\d+)$`), "auditlog.referrals_withdrawn", false},
	{regexp.MustCompile(`^service directory received from (.+): (\d+) services$`), "auditlog.directory_received", false},
	{regexp.MustCompile(`^case status set: (\w+)$`), "auditlog.case_set", false},
	{regexp.MustCompile(`^case statuses received from (.+): (\d+)$`), "auditlog.cases_received", false},
	{regexp.MustCompile(`^contact added: (.+)$`), "auditlog.contact_added", false},
	{regexp.MustCompile(`^contact removed: (.+)$`), "auditlog.contact_removed", false},
	{regexp.MustCompile(`^bundle (\S+) exported: (\d+) records, (\d+) withdrawal notices$`), "auditlog.bundle_exported", false},
	{regexp.MustCompile(`^settings changed: erase after failed unlocks: off$`), "auditlog.erase_off", false},
	{regexp.MustCompile(`^settings changed: erase after (\d+) failed unlocks$`), "auditlog.erase_after", false},
	{regexp.MustCompile(`^settings changed$`), "auditlog.settings_changed", false},
	{regexp.MustCompile(`^passphrase added for (.+)$`), "auditlog.passphrase_added", false},
	{regexp.MustCompile(`^passphrase changed for (.+)$`), "auditlog.passphrase_changed", false},
	{regexp.MustCompile(`^passphrase removed for (.+)$`), "auditlog.passphrase_removed", false},
	{regexp.MustCompile(`^key slot updated for (.+)$`), "auditlog.key_slot_updated", false},
	{regexp.MustCompile(`^record deleted: consent withdrawn at the source$`), "auditlog.withdrawn_at_source", false},
	{regexp.MustCompile(`^bundle (\S+) imported: (\d+) records, (\d+) deletions$`), "auditlog.bundle_imported", false},
	{regexp.MustCompile(`^receipt (\S+) imported: (\d+) records, (\d+) deletions$`), "auditlog.receipt_imported", false},
	{regexp.MustCompile(`^consent withdrawn: record deleted$`), "auditlog.consent_withdrawn", false},
	{regexp.MustCompile(`^deletion confirmed by a partner$`), "auditlog.deletion_confirmed", false},
	{regexp.MustCompile(`^(\d+) records received \(bundle (\S+)\)$`), "auditlog.records_received", false},
	{regexp.MustCompile(`^(\d+) records saved from an answers file$`), "auditlog.answers_file", false},
	{regexp.MustCompile(`^record saved \((\w+)\)$`), "auditlog.record_saved", true},
	{regexp.MustCompile(`^record updated \((\w+)\)$`), "auditlog.record_updated", true},
	{regexp.MustCompile(`^record marked (\w+)$`), "auditlog.record_marked", true},
	{regexp.MustCompile(`^sharing consent bound to partner keys$`), "auditlog.sharing_bound", false},
	{regexp.MustCompile(`^record deleted$`), "auditlog.record_deleted", false},
	{regexp.MustCompile(`^record viewed$`), "auditlog.record_viewed", false},
	{regexp.MustCompile(`^questionnaire added: (.+)$`), "auditlog.questionnaire_added", false},
	{regexp.MustCompile(`^questionnaire removed: (.+)$`), "auditlog.questionnaire_removed", false},
	{regexp.MustCompile(`^vault identity exported$`), "auditlog.identity_exported", false},
	{regexp.MustCompile(`^cases pushed to PostgreSQL: (\d+) added or changed, (\d+) removed, (\w+)$`), "auditlog.cases_pushed", true},
	{regexp.MustCompile(`^cases exported: (\d+) records, (\w+), (\w+)$`), "auditlog.cases_exported", true},
}

// auditSuffixes end the entry of a change of passphrases.
var auditSuffixes = []struct{ text, id string }{
	{"; master key changed", "auditlog.master_key_changed"},
	{"; master key not changed: older key slots remain", "auditlog.master_key_kept"},
}

// auditText is an audit entry's action in the interface language.
func (a *app) auditText(action string) string {
	suffix := ""
	for _, s := range auditSuffixes {
		if rest, ok := strings.CutSuffix(action, s.text); ok {
			action, suffix = rest, a.tr(s.id)
		}
	}
	for _, x := range auditActions {
		m := x.re.FindStringSubmatch(action)
		if m == nil {
			continue
		}
		args := make([]any, len(m)-1)
		for i, s := range m[1:] {
			args[i] = s
			if !x.words {
				continue
			}
			if catalog.Has(catalog.Default, "status."+s) {
				args[i] = a.tr("status." + s)
			} else if catalog.Has(catalog.Default, "auditlog.word_"+s) {
				args[i] = a.tr("auditlog.word_" + s)
			}
		}
		return a.tr(x.id, args...) + suffix
	}
	return action + suffix
}
