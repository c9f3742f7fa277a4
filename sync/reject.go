package sync

import (
	"errors"
	"fmt"
)

// ErrRejected is wrapped by every reason a bundle or receipt is refused.
var ErrRejected = errors.New("rejected")

// RejectError says why a file was refused, and what to do. Key and HintKey
// name the reason and the advice so that a user interface can say them in
// its own language (with Args and HintArgs); Reason and Hint are English.
type RejectError struct {
	Key      string
	Args     []any
	HintKey  string
	HintArgs []any
	Reason   string
	Hint     string
}

func (e *RejectError) Error() string { return e.Reason }
func (e *RejectError) Unwrap() error { return ErrRejected }

// Rejection is one reason to refuse a file: its English text and the key
// of the advice that goes with it.
type Rejection struct {
	Format string
	Hint   string
}

// Rejections and RejectHints hold every reason and every piece of advice in
// English, by key: the keys are stable, so a catalog can translate them and a
// test can check that it translates all of them.
var Rejections = map[string]Rejection{
	"not_addressed":        {"the file is not addressed to this vault, or its header was damaged", "check_card"},
	"not_age":              {"the file is damaged or was altered: it is not a readable age file", "damaged"},
	"damaged":              {"the file is damaged or was altered: %v", "damaged"},
	"unexpected_entry":     {"the file holds an unexpected entry %q", "damaged"},
	"after_manifest":       {"the file holds %q after its manifest", "damaged"},
	"bad_record_entry":     {"the file holds a bad record entry %q", "damaged"},
	"changed":              {"the file changed while it was imported", "damaged"},
	"schema_hash":          {"the questionnaire %s in the file does not match its hash", "damaged"},
	"record_twice":         {"the file holds the record %s twice", "damaged"},
	"unknown_kind":         {"the file is neither a fieldvault bundle nor a receipt", "damaged"},
	"bad_card":             {"the sender's card in the file is not valid", "damaged"},
	"unknown_sender":       {"the sender %q (fingerprint %s) is not one of this vault's contacts", "add_contact"},
	"bad_signature":        {"the signature does not match: the file was altered or not made by %s", "damaged"},
	"bad_manifest":         {"the bundle's manifest is not valid: %v", "damaged"},
	"bundle_other_vault":   {"the bundle is signed by %s but addressed to another vault", "export_for_card"},
	"count_mismatch":       {"the manifest lists %d records but the bundle holds %d", "damaged"},
	"record_mismatch":      {"record %s does not match the manifest", "damaged"},
	"schema_missing":       {"the bundle lacks the questionnaire %s %s its manifest lists", "damaged"},
	"schema_unlisted":      {"the bundle holds a questionnaire (%.12s…) that its signed manifest does not list", "damaged"},
	"bad_receipt":          {"the receipt is not valid: %v", "damaged"},
	"receipt_other_vault":  {"the receipt is signed by %s but addressed to another vault", "other_vault"},
	"unreadable_stored":    {"a record in the bundle from %s is not a readable record (%d stored before it)", "update"},
	"unreadable":           {"a record in the bundle from %s is not a readable record; nothing was stored", "update"},
	"unknown_export":       {"the receipt from %s answers a bundle this vault never sent them; nothing was changed", "receipts_only"},
	"not_theirs_own":       {"the bundle from %s would change record %s, which this vault created; nothing was imported", "not_theirs"},
	"not_theirs_draft":     {"the bundle from %s would change record %s, which is an unfinished interview in this vault; nothing was imported", "not_theirs"},
	"not_theirs_contact":   {"the bundle from %s would change record %s, which came from another contact; nothing was imported", "not_theirs"},
	"referrals_mismatch":   {"the bundle's referrals do not match its signed manifest", "damaged"},
	"directory_mismatch":   {"the bundle's service directory does not match its signed manifest", "damaged"},
	"bad_directory":        {"the bundle's service directory is not valid: %v", "damaged"},
	"cases_mismatch":       {"the bundle's case statuses do not match its signed manifest", "damaged"},
	"bad_cases":            {"the bundle's case statuses are not valid: %v", "damaged"},
	"case_authority":       {"the bundle carries a status of case %s that %s did not set; nothing was imported", "not_theirs_case"},
	"bad_referrals":        {"the bundle's referrals are not valid: %v", "damaged"},
	"referral_authority":   {"referral %s carries a change that %s has no say over; nothing was imported", "not_theirs_referral"},
	"referral_not_between": {"referral %s is not between %s and this vault; nothing was imported", "not_theirs_referral"},
}

var RejectHints = map[string]string{
	"damaged":             "ask the sender for a new copy; do not use this file",
	"check_card":          "check that it was exported for this vault's card ('fieldvault card'); if it was, ask the sender for a new copy",
	"add_contact":         "if you know this sender, check the fingerprint with them, then add their card with 'fieldvault contact add'",
	"export_for_card":     "it was made for another vault; ask the sender to export for this vault's card",
	"other_vault":         "it was made for another vault",
	"update":              "ask the sender to update fieldvault and export again",
	"receipts_only":       "import only the receipts that come back for bundles this vault exported",
	"not_theirs":          "a partner may only add records, and change or withdraw those its own vault created; ask %s what happened",
	"not_theirs_referral": "only the sender of a referral revokes it, and only the vault it was sent to accepts, declines or marks it done; ask %s what happened",
	"not_theirs_case":     "each organisation sets only its own case's status; ask %s what happened",
}

// reject refuses a file for the reason key, with its arguments; the
// advice takes the sender's name where it names one.
func reject(key string, args ...any) error {
	r := Rejections[key]
	e := &RejectError{Key: key, Args: args, HintKey: r.Hint, Reason: fmt.Sprintf(r.Format, args...)}
	e.Hint = RejectHints[r.Hint]
	switch r.Hint {
	case "not_theirs":
		e.HintArgs = args[:1]
	case "not_theirs_referral", "not_theirs_case":
		e.HintArgs = args[1:2]
	}
	if e.HintArgs != nil {
		e.Hint = fmt.Sprintf(e.Hint, e.HintArgs...)
	}
	return e
}
