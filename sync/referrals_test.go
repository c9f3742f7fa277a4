package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/intake/services"
	"github.com/fieldvault/fieldvault/sync/referral"
	"github.com/fieldvault/fieldvault/vault"
	"github.com/fieldvault/fieldvault/vault/vaulttest"
)

var shelter = services.Service{ID: "pelangi-shelter", Name: "Rumah Aman", Type: "shelter", Organisation: "Partner NGO"}

// A referral goes to the partner with its record, the partner's answer
// comes back in a bundle that holds no record, and both vaults end in the
// same state.
func TestReferralRoundTrip(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 1, "Partner NGO")
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

	r, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Emergency, Note: func() (string, error) { return "arrives tonight", nil }, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Outgoing || r.State != referral.Sent || r.Contact != "Partner NGO" {
		t.Fatalf("the new referral reads %+v", r)
	}
	// The same person, the same service, while the first is open: refused.
	if _, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Normal, Now: now}); err == nil {
		t.Error("a second open referral to the same service was made")
	}

	dir := t.TempDir()
	res, err := Export(p.field, "Partner NGO", dir, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest.Records) != 1 || res.Referrals != 1 {
		t.Fatalf("the bundle holds %d records and %d referrals", len(res.Manifest.Records), res.Referrals)
	}
	if !slices.Contains(bundleEntries(t, p.partner, res.Path), "referrals.json") {
		t.Error("the bundle has no referrals.json")
	}
	in, err := Import(p.partner, res.Path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if in.ReferralsChanged != 1 {
		t.Errorf("the partner took %d referrals", in.ReferralsChanged)
	}
	got, err := Referrals(p.partner, now)
	if err != nil || len(got) != 1 {
		t.Fatalf("the partner holds %v (%v)", got, err)
	}
	if got[0].Outgoing || got[0].Contact != "Field team" || got[0].Note != "arrives tonight" || got[0].Record != ids[0] {
		t.Errorf("the partner reads %+v", got[0])
	}
	// The field vault cannot accept its own referral; the partner cannot
	// revoke it.
	if _, err := Move(p.field, r.ID, referral.Accepted, "", now); err == nil {
		t.Error("the sender accepted its own referral")
	}
	if _, err := Move(p.partner, r.ID, referral.Revoked, "", now); err == nil {
		t.Error("the receiver revoked the referral")
	}
	if _, err := Move(p.partner, r.ID[:8], referral.Accepted, "", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := Move(p.partner, r.ID, referral.Done, "a bed at Rumah Aman", now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	back, err := Export(p.partner, "Field team", t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Manifest.Records) != 0 || back.Referrals != 1 {
		t.Fatalf("the answer holds %d records and %d referrals", len(back.Manifest.Records), back.Referrals)
	}
	if _, err := Import(p.field, back.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	mine, err := Referrals(p.field, now.Add(48*time.Hour))
	if err != nil || len(mine) != 1 {
		t.Fatalf("the field vault holds %v (%v)", mine, err)
	}
	if mine[0].State != referral.Done || mine[0].Text != "a bed at Rumah Aman" || mine[0].Overdue {
		t.Errorf("the field vault reads %+v", mine[0])
	}
	// Nothing changed since: no bundle either way, and importing the
	// answer again changes nothing.
	if _, err := Export(p.partner, "Field team", t.TempDir(), ExportOptions{}); !errors.Is(err, ErrNothingToExport) {
		t.Errorf("a second answer: %v", err)
	}
	if _, err := Import(p.field, back.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if again, _ := Referrals(p.field, now); again[0].State != referral.Done {
		t.Errorf("after importing the answer twice: %s", again[0].State)
	}
	// The note and what was done are nowhere in the clear: not in either
	// vault file, nor in the bundles that carried them.
	vaulttest.Check(t, []string{filepath.Dir(p.field.Path()), filepath.Dir(p.partner.Path()), dir, filepath.Dir(back.Path)},
		[]string{"arrives tonight", "a bed at Rumah Aman"}, nil)
}

// A referral is refused without the person's consent to be referred for
// that kind of service, or to share their record with the partner running
// it.
func TestReferralNeedsConsent(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	shared := intakes(t, p.field, 1, "Partner NGO")
	private := intakes(t, p.field, 1)
	health := shelter
	health.Type = "health" // the intakes agreed to shelter only
	for _, tc := range []struct {
		record string
		svc    services.Service
	}{
		{shared[0], health},
		{private[0], shelter},
		{shared[0], services.Service{ID: "clinic", Name: "Clinic", Type: "shelter"}},
		{shared[0], services.Service{ID: "other", Name: "Other", Type: "shelter", Organisation: "Nobody we know"}},
	} {
		if _, err := Refer(p.field, ReferOptions{Record: tc.record, Service: tc.svc, Priority: referral.Normal, Now: now}); err == nil {
			t.Errorf("referral of %s to %+v was made", tc.record[:8], tc.svc)
		}
	}
	if rs, _ := Referrals(p.field, now); len(rs) != 0 {
		t.Errorf("refused referrals left %d behind", len(rs))
	}
}

// A bundle whose referral carries a change its sender has no say over is
// refused, and the vault is left as it was.
func TestReferralOutOfAuthorityRejected(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ids := intakes(t, p.field, 1, "Partner NGO")
	r, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Urgent, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	// The field vault forges the partner's acceptance into its own copy
	// (a tampered laptop), and sends it.
	sr, th, err := load(p.field, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := referralEventBy(th, referral.Accepted, p.field)
	if err != nil {
		t.Fatal(err)
	}
	if err := store(p.field, forged, sr.Contact, true, ""); err != nil {
		t.Fatal(err)
	}
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Import(p.partner, res.Path, t.TempDir())
	var re *RejectError
	if !errors.As(err, &re) || re.Key != "referral_authority" {
		t.Fatalf("import of a forged acceptance: %v", err)
	}
	if rs, _ := Referrals(p.partner, now); len(rs) != 0 {
		t.Error("the rejected bundle left a referral")
	}
	if s, _ := p.partner.Summaries(); len(s) != 0 {
		t.Error("the rejected bundle left a record")
	}
}

// referralEventBy adds an event signed by signer, whatever the referral
// says of who may make it.
func referralEventBy(th *referral.Thread, s referral.State, signer *vault.Vault) (*referral.Thread, error) {
	key, err := signer.SigningKey()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(referral.Event{Referral: sum(th.Referral.Body), State: s, By: key, At: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(body)
	if err != nil {
		return nil, err
	}
	th.Events = append(th.Events, referral.Signed{Body: body, Sig: sig})
	return th, nil
}

// A withdrawal of consent revokes the open referral; the revocation goes
// with the withdrawal notice, and afterwards neither vault keeps the
// referral or its note.
func TestWithdrawalRevokesReferrals(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ids := intakes(t, p.field, 2, "Partner NGO")
	note := func() (string, error) { return "CanaryNote", nil }
	sent, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Urgent, Note: note, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(p.partner, res.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	// A referral of the second person that never left the laptop.
	if _, err := Refer(p.field, ReferOptions{Record: ids[1], Service: shelter, Priority: referral.Normal, Note: note, Now: now}); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if _, err := Withdraw(p.field, id); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := Referrals(p.field, now)
	if err != nil || len(rs) != 1 || rs[0].ID != sent.ID || rs[0].State != referral.Revoked || !rs[0].Unsent {
		t.Fatalf("after the withdrawals the field vault holds %+v (%v)", rs, err)
	}
	boxes, err := Outboxes(p.field)
	if err != nil || boxes[0].ReferralChanges != 1 || boxes[0].Referrals != 0 {
		t.Fatalf("outbox %+v (%v)", boxes, err)
	}
	res, err = Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifest.Withdrawals) != 2 || res.Referrals != 1 {
		t.Fatalf("the bundle carries %d withdrawals and %d referrals", len(res.Manifest.Withdrawals), res.Referrals)
	}
	if rs, _ := Referrals(p.field, now); len(rs) != 0 {
		t.Errorf("the field vault keeps %d referrals of withdrawn records", len(rs))
	}
	if _, err := Import(p.partner, res.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if rs, _ := Referrals(p.partner, now); len(rs) != 0 {
		t.Errorf("the partner keeps %d referrals of a withdrawn record", len(rs))
	}
	for _, v := range []*vault.Vault{p.field, p.partner} {
		all, _ := v.Referrals()
		for _, r := range all {
			if bytes.Contains(r.Thread, []byte("CanaryNote")) {
				t.Errorf("a note of a withdrawn record stays in %s", v.Path())
			}
		}
	}
}

// A referral revoked before any bundle carried it is gone: the partner has
// nothing to hear of it, and its note never travels.
func TestRevokeBeforeSending(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ids := intakes(t, p.field, 1, "Partner NGO")
	r, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Normal, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Move(p.field, r.ID, referral.Revoked, "", now); err != nil {
		t.Fatal(err)
	}
	if rs, _ := Referrals(p.field, now); len(rs) != 0 {
		t.Errorf("a revoked referral that never left stays: %+v", rs[0])
	}
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Referrals != 0 {
		t.Errorf("the bundle carries %d referrals", res.Referrals)
	}
	// Once sent, a revocation goes to the partner; an acceptance made
	// there keeps what was sent when it comes back.
	r, err = Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Normal, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	res, err = Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || res.Referrals != 1 {
		t.Fatalf("export: %v", err)
	}
	if _, err := Move(p.field, r.ID, referral.Revoked, "", now); err != nil {
		t.Fatal(err)
	}
	if rs, _ := Referrals(p.field, now); len(rs) != 1 || rs[0].State != referral.Revoked || !rs[0].Unsent {
		t.Fatalf("a revoked referral that left: %+v", rs)
	}
}
