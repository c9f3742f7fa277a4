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
var auditActions = []pattern{
	{regexp.MustCompile(`^vault created$`), "auditlog.vault_created"},
	{regexp.MustCompile(`^service directory imported: (\d+) services$`), "auditlog.directory_imported"},
	{regexp.MustCompile(`^referral sent: (\S+)$`), "auditlog.referral_sent"},
	{regexp.MustCompile(`^referral accepted: (\S+)$`), "auditlog.referral_accepted"},
	{regexp.MustCompile(`^referral declined: (\S+)$`), "auditlog.referral_declined"},
	{regexp.MustCompile(`^referral done: (\S+)$`), "auditlog.referral_done"},
	{regexp.MustCompile(`^referral revoked: (\S+)$`), "auditlog.referral_revoked"},
	{regexp.MustCompile(`^referrals updated from (.+): (\d+)$`), "auditlog.referrals_updated"},
	{regexp.MustCompile(`^referrals revoked on withdrawal: (\d+)$`), "auditlog.referrals_withdrawn"},
	{regexp.MustCompile(`^service directory received from (.+): (\d+) services$`), "auditlog.directory_received"},
	{regexp.MustCompile(`^case status set: (\w+)$`), "auditlog.case_set"},
	{regexp.MustCompile(`^case statuses received from (.+): (\d+)$`), "auditlog.cases_received"},
	{regexp.MustCompile(`^contact added: (.+)$`), "auditlog.contact_added"},
	{regexp.MustCompile(`^contact removed: (.+)$`), "auditlog.contact_removed"},
	{regexp.MustCompile(`^bundle (\S+) exported: (\d+) records, (\d+) withdrawal notices$`), "auditlog.bundle_exported"},
	{regexp.MustCompile(`^settings changed: erase after failed unlocks: off$`), "auditlog.erase_off"},
	{regexp.MustCompile(`^settings changed: erase after (\d+) failed unlocks$`), "auditlog.erase_after"},
	{regexp.MustCompile(`^settings changed$`), "auditlog.settings_changed"},
	{regexp.MustCompile(`^passphrase added for (.+)$`), "auditlog.passphrase_added"},
	{regexp.MustCompile(`^passphrase changed for (.+)$`), "auditlog.passphrase_changed"},
	{regexp.MustCompile(`^passphrase removed for (.+)$`), "auditlog.passphrase_removed"},
	{regexp.MustCompile(`^key slot updated for (.+)$`), "auditlog.key_slot_updated"},
	{regexp.MustCompile(`^record deleted: consent withdrawn at the source$`), "auditlog.withdrawn_at_source"},
	{regexp.MustCompile(`^bundle (\S+) imported: (\d+) records, (\d+) deletions$`), "auditlog.bundle_imported"},
	{regexp.MustCompile(`^receipt (\S+) imported: (\d+) records, (\d+) deletions$`), "auditlog.receipt_imported"},
	{regexp.MustCompile(`^consent withdrawn: record deleted$`), "auditlog.consent_withdrawn"},
	{regexp.MustCompile(`^deletion confirmed by a partner$`), "auditlog.deletion_confirmed"},
	{regexp.MustCompile(`^(\d+) records received \(bundle (\S+)\)$`), "auditlog.records_received"},
	{regexp.MustCompile(`^(\d+) records saved from an answers file$`), "auditlog.answers_file"},
	{regexp.MustCompile(`^record saved \((\w+)\)$`), "auditlog.record_saved"},
	{regexp.MustCompile(`^record updated \((\w+)\)$`), "auditlog.record_updated"},
	{regexp.MustCompile(`^record marked (\w+)$`), "auditlog.record_marked"},
	{regexp.MustCompile(`^sharing consent bound to partner keys$`), "auditlog.sharing_bound"},
	{regexp.MustCompile(`^record deleted$`), "auditlog.record_deleted"},
	{regexp.MustCompile(`^record viewed$`), "auditlog.record_viewed"},
	{regexp.MustCompile(`^questionnaire added: (.+)$`), "auditlog.questionnaire_added"},
	{regexp.MustCompile(`^questionnaire removed: (.+)$`), "auditlog.questionnaire_removed"},
	{regexp.MustCompile(`^vault identity exported$`), "auditlog.identity_exported"},
	{regexp.MustCompile(`^cases pushed to PostgreSQL: (\d+) added or changed, (\d+) removed, (\w+)$`), "auditlog.cases_pushed"},
	{regexp.MustCompile(`^cases exported: (\d+) records, (\w+), (\w+)$`), "auditlog.cases_exported"},
}

// auditWords are the entries whose arguments are a record's state or how
// identifying an export was, said in the interface language (not names,
// which stay as written).
var auditWords = map[string]bool{"auditlog.record_saved": true, "auditlog.record_updated": true, "auditlog.record_marked": true, "auditlog.cases_pushed": true, "auditlog.cases_exported": true}

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
	id, groups, ok := match(auditActions, action)
	if !ok {
		return action + suffix
	}
	args := make([]any, len(groups))
	for i, s := range groups {
		args[i] = s
		switch {
		case !auditWords[id]:
		case catalog.Has(catalog.Default, "status."+s):
			args[i] = a.tr("status." + s)
		case catalog.Has(catalog.Default, "auditlog.word_"+s):
			args[i] = a.tr("auditlog.word_" + s)
		}
	}
	return a.tr(id, args...) + suffix
}
