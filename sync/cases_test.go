package sync

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/fieldvault/fieldvault/sync/referral"
)

// A case status travels to the partner holding the record; the latest of
// each vault stands whatever order the bundles arrive in; a bundle may
// carry only its sender's own statuses.
func TestCaseStatusTravels(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ids := intakes(t, p.field, 1, "Partner NGO")
	if _, err := SetCaseStatus(p.field, ids[0], "Open", now); err == nil {
		t.Error("a status that is not HTCDS's was set")
	}
	if _, err := SetCaseStatus(p.field, ids[0], "Active", now); err != nil {
		t.Fatal(err)
	}
	first, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || first.Cases != 1 {
		t.Fatalf("first bundle: %+v %v", first, err)
	}
	if _, err := SetCaseStatus(p.field, ids[0], "ClosedReferred", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	second, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || second.Cases != 1 || len(second.Manifest.Records) != 0 {
		t.Fatalf("second bundle: %+v %v", second, err)
	}
	// The later bundle first: the record is not there yet, the status is.
	for _, b := range []string{second.Path, first.Path, second.Path} {
		if _, err := Import(p.partner, b, t.TempDir()); err != nil {
			t.Fatal(err)
		}
	}
	got, err := CaseStatus(p.partner, ids[0])
	if err != nil || len(got) != 1 || got[0].Status != "ClosedReferred" || got[0].By != "Field team" {
		t.Fatalf("the partner reads %+v (%v)", got, err)
	}
	if _, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{}); !errors.Is(err, ErrNothingToExport) {
		t.Errorf("a third bundle: %v", err)
	}

	// The partner's bundle carrying a status in the field team's name.
	key, _ := p.field.SigningKey()
	body, _ := json.Marshal(CaseEvent{Case: ids[0], Status: "Closed", By: key, At: now.Add(2 * time.Hour)})
	sig, _ := p.partner.Sign(body)
	data, _ := json.Marshal([]referral.Signed{{Body: body, Sig: sig}})
	pkey, _ := p.partner.SigningKey()
	var re *RejectError
	if _, err := checkCases(data, pkey, "Partner NGO"); !errors.As(err, &re) || re.Key != "case_authority" {
		t.Errorf("a status in another vault's name: %v", err)
	}
	// Its own, with the signature of another body.
	body2, _ := json.Marshal(CaseEvent{Case: ids[0], Status: "Closed", By: pkey, At: now})
	data, _ = json.Marshal([]referral.Signed{{Body: body2, Sig: sig}})
	if _, err := checkCases(data, pkey, "Partner NGO"); !errors.As(err, &re) || re.Key != "bad_cases" {
		t.Errorf("a status with a wrong signature: %v", err)
	}
}
