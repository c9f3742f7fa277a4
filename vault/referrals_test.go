package vault

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/uuid"
)

// Referral threads and the service directory are sealed like every other
// value, and a change of master key carries them over: a removed worker's
// passphrase reads neither, the vault's own still does.
func TestReferralsAndDirectorySurviveRekey(t *testing.T) {
	v := newTestVault(t)
	if d, err := v.Directory(); err != nil || d != nil {
		t.Fatalf("a new vault's directory: %q %v", d, err)
	}
	if rs, err := v.Referrals(); err != nil || len(rs) != 0 {
		t.Fatalf("a new vault's referrals: %v %v", rs, err)
	}
	if _, err := v.Referral(uuid.NewString()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown referral: %v", err)
	}
	ref := StoredReferral{ID: uuid.NewString(), Record: uuid.NewString(), Contact: "c1", Thread: []byte(`{"referral":"CanaryThread"}`), Unsent: true}
	if err := v.PutReferrals([]StoredReferral{ref}, []string{"referral sent: " + ref.ID}); err != nil {
		t.Fatal(err)
	}
	if err := v.SetDirectory([]byte(`{"services":[{"id":"CanaryService"}]}`), "service directory imported: 1 services"); err != nil {
		t.Fatal(err)
	}
	if err := v.PutReferrals([]StoredReferral{{ID: "not a uuid"}}, nil); err == nil {
		t.Error("a referral without a UUID was stored")
	}
	for _, b := range [][]byte{bucketReferrals, bucketMeta} {
		for _, val := range rawBucket(t, v, b) {
			if bytes.Contains(val, []byte("Canary")) {
				t.Fatalf("bucket %s holds plaintext", b)
			}
		}
	}
	if err := v.AddPassphrase("Budi", []byte("budi's own passphrase"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatal(err)
	}
	got, err := v.Referral(ref.ID)
	if err != nil || !bytes.Equal(got.Thread, ref.Thread) || !got.Unsent || got.Record != ref.Record {
		t.Fatalf("the referral after a rekey: %+v %v", got, err)
	}
	if d, err := v.Directory(); err != nil || !bytes.Contains(d, []byte("CanaryService")) {
		t.Fatalf("the directory after a rekey: %q %v", d, err)
	}
	if _, err := v.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
}
