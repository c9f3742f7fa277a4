package sync

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/sync/referral"
	"github.com/fieldvault/fieldvault/vault"
)

// CaseStatuses are HTCDS's cas_Status values.
var CaseStatuses = []string{"Active", "FollowUp", "Closed", "ClosedReferred"}

// A case status is set by the organisation holding the case, for the
// person of a first record, and travels in bundles to every partner that
// holds the record. Each vault speaks only for its own case: a status is
// signed by the vault that set it, a bundle may carry only its sender's,
// and each vault's latest (by its clock, then by signature) stands on
// every vault, whatever order the bundles arrive in.

// CaseEvent is one vault's status of a case.
type CaseEvent struct {
	Case   string    `json:"case"` // the person's first record
	Status string    `json:"status"`
	By     []byte    `json:"by"`
	At     time.Time `json:"at"`
}

// caseBook is every case status known: case, then the signer's key in hex.
type caseBook map[string]map[string]referral.Signed

// sentBook is, per contact ID, the signatures of the statuses it was sent.
type sentBook map[string][][]byte

func loadCases(v *vault.Vault) (caseBook, sentBook, error) {
	rawCases, rawSent, err := v.CaseStatuses()
	if err != nil {
		return nil, nil, err
	}
	cases, sent := caseBook{}, sentBook{}
	if rawCases != nil {
		if err := json.Unmarshal(rawCases, &cases); err != nil {
			return nil, nil, vault.ErrCorrupt
		}
	}
	if rawSent != nil {
		if err := json.Unmarshal(rawSent, &sent); err != nil {
			return nil, nil, vault.ErrCorrupt
		}
	}
	return cases, sent, nil
}

// later reports whether a is the status that stands over b.
func later(a, b referral.Signed) bool {
	ea, eb := parseCase(a), parseCase(b)
	if c := ea.At.Compare(eb.At); c != 0 {
		return c > 0
	}
	return bytes.Compare(a.Sig, b.Sig) > 0
}

func parseCase(s referral.Signed) CaseEvent {
	var e CaseEvent
	json.Unmarshal(s.Body, &e)
	return e
}

// SetCaseStatus sets this vault's status of the case of a record's person.
func SetCaseStatus(v *vault.Vault, recordID, status string, now time.Time) (string, error) {
	if !slices.Contains(CaseStatuses, status) {
		return "", catalog.Errorf("case.bad_status", status)
	}
	root, err := caseOf(v, recordID)
	if err != nil {
		return "", err
	}
	key, err := v.SigningKey()
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(CaseEvent{Case: root, Status: status, By: key, At: now.UTC()})
	if err != nil {
		return "", err
	}
	sig, err := v.Sign(body)
	if err != nil {
		return "", err
	}
	cases, _, err := loadCases(v)
	if err != nil {
		return "", err
	}
	if cases[root] == nil {
		cases[root] = map[string]referral.Signed{}
	}
	cases[root][hex.EncodeToString(key)] = referral.Signed{Body: body, Sig: sig}
	data, err := json.Marshal(cases)
	if err != nil {
		return "", err
	}
	return root, v.SetCaseStatuses(data, nil, "case status set: "+status)
}

// caseOf is the first record of a record's person.
func caseOf(v *vault.Vault, recordID string) (string, error) {
	r, err := v.GetRecord(recordID)
	if err != nil {
		return "", err
	}
	if r.Follows != "" {
		return r.Follows, nil
	}
	return r.ID, nil
}

// CaseState is one organisation's status of a case.
type CaseState struct {
	By     string    `json:"by"` // the contact's name; "" for this vault
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// CaseStatus is every organisation's status of the case of a record's
// person, this vault's first.
func CaseStatus(v *vault.Vault, recordID string) ([]CaseState, error) {
	root, err := caseOf(v, recordID)
	if err != nil {
		return nil, err
	}
	cases, _, err := loadCases(v)
	if err != nil {
		return nil, err
	}
	own, err := v.SigningKey()
	if err != nil {
		return nil, err
	}
	cs, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	var out []CaseState
	for _, s := range cases[root] {
		e := parseCase(s)
		st := CaseState{Status: e.Status, At: e.At}
		if !bytes.Equal(e.By, own) {
			st.By = "?"
			for _, c := range cs {
				if bytes.Equal(c.SigningKey, e.By) {
					st.By = c.Name
				}
			}
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b CaseState) int {
		if (a.By == "") != (b.By == "") {
			if a.By == "" {
				return -1
			}
			return 1
		}
		return a.At.Compare(b.At)
	})
	return out, nil
}

// casesFor are this vault's own statuses of the cases whose records
// contact c holds (it was sent them, is sent them now in going, or sent
// them here) that c was not sent yet, as a bundle carries them.
func casesFor(v *vault.Vault, c *vault.Contact, going []string) ([]byte, [][]byte, error) {
	cases, sent, err := loadCases(v)
	if err != nil || len(cases) == 0 {
		return nil, nil, err
	}
	own, err := v.SigningKey()
	if err != nil {
		return nil, nil, err
	}
	holds := map[string]bool{}
	for _, id := range going {
		holds[id] = true
	}
	exports, err := v.Exports()
	if err != nil {
		return nil, nil, err
	}
	for _, e := range exports {
		if e.Contact == c.ID {
			for _, r := range e.Records {
				holds[r.ID] = true
			}
		}
	}
	var out []referral.Signed
	var sigs [][]byte
	for root, byKey := range cases {
		s, ok := byKey[hex.EncodeToString(own)]
		if !ok || slices.ContainsFunc(sent[c.ID], func(x []byte) bool { return bytes.Equal(x, s.Sig) }) {
			continue
		}
		if !holds[root] {
			if r, err := v.GetRecord(root); err != nil || r.Source != c.ID {
				continue
			}
		}
		out = append(out, s)
		sigs = append(sigs, s.Sig)
	}
	if len(out) == 0 {
		return nil, nil, nil
	}
	slices.SortFunc(out, func(a, b referral.Signed) int { return bytes.Compare(a.Sig, b.Sig) })
	data, err := json.Marshal(out)
	return data, sigs, err
}

// markCasesSent records that contact c was sent the statuses with sigs.
func markCasesSent(v *vault.Vault, c *vault.Contact, sigs [][]byte) error {
	if len(sigs) == 0 {
		return nil
	}
	_, sent, err := loadCases(v)
	if err != nil {
		return err
	}
	sent[c.ID] = append(sent[c.ID], sigs...)
	data, err := json.Marshal(sent)
	if err != nil {
		return err
	}
	return v.SetCaseStatuses(nil, data, "")
}

// checkCases reads the case statuses a bundle carries: each must be the
// sender's own, signed by it.
func checkCases(data []byte, sender ed25519.PublicKey, senderName string) ([]referral.Signed, error) {
	var list []referral.Signed
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, reject("bad_cases", err)
	}
	for _, s := range list {
		var e CaseEvent
		if err := json.Unmarshal(s.Body, &e); err != nil || e.Case == "" || !slices.Contains(CaseStatuses, e.Status) {
			return nil, reject("bad_cases", fmt.Errorf("a case status is not valid"))
		}
		if !bytes.Equal(e.By, sender) {
			return nil, reject("case_authority", e.Case, senderName)
		}
		if !ed25519.Verify(sender, s.Body, s.Sig) {
			return nil, reject("bad_cases", fmt.Errorf("a case status's signature does not match"))
		}
	}
	return list, nil
}

// keepCases merges the statuses a bundle carried: each vault's latest
// stands.
func keepCases(v *vault.Vault, ck *Checked) error {
	if len(ck.cases) == 0 {
		return nil
	}
	cases, _, err := loadCases(v)
	if err != nil {
		return err
	}
	changed := 0
	for _, s := range ck.cases {
		e := parseCase(s)
		by := hex.EncodeToString(e.By)
		if cases[e.Case] == nil {
			cases[e.Case] = map[string]referral.Signed{}
		}
		if cur, ok := cases[e.Case][by]; !ok || later(s, cur) {
			cases[e.Case][by] = s
			changed++
		}
	}
	if changed == 0 {
		return nil
	}
	data, err := json.Marshal(cases)
	if err != nil {
		return err
	}
	return v.SetCaseStatuses(data, nil, fmt.Sprintf("case statuses received from %s: %d", ck.Sender.Name, changed))
}
