package sync

import (
	"testing"
)

// The outbox counts what the next bundle would carry, follows exports and
// receipts, and counts withdrawals until the partner confirms them.
func TestOutboxes(t *testing.T) {
	p := newPair(t)
	ids := intakes(t, p.field, 3, "Partner NGO")
	intakes(t, p.field, 2) // shared with nobody
	get := func() Outbox {
		t.Helper()
		all, err := Outboxes(p.field)
		if err != nil || len(all) != 1 {
			t.Fatalf("Outboxes = %+v, %v", all, err)
		}
		return all[0]
	}
	o := get()
	if o.Contact != "Partner NGO" || o.Waiting != 3 || o.NotShared != 2 || o.LastSeq != 0 || !o.LastSent.IsZero() || !o.LastReceipt.IsZero() {
		t.Fatalf("before export: %+v", o)
	}
	usb := t.TempDir()
	res, err := Export(p.field, "Partner NGO", usb, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if o = get(); o.Waiting != 0 || o.LastSeq != 1 || o.LastSent.IsZero() || !o.LastReceipt.IsZero() {
		t.Fatalf("after export: %+v", o)
	}
	imp, err := Import(p.partner, res.Path, usb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(p.field, imp.ReceiptPath, ""); err != nil {
		t.Fatal(err)
	}
	if o = get(); o.LastReceipt.IsZero() || o.Withdrawals != 0 {
		t.Fatalf("after receipt: %+v", o)
	}
	if _, err := Withdraw(p.field, ids[0]); err != nil {
		t.Fatal(err)
	}
	if o = get(); o.Withdrawals != 1 || o.Waiting != 0 {
		t.Fatalf("after withdrawal: %+v", o)
	}
	// A new version waits again.
	r, _ := p.field.GetRecord(ids[1])
	r.Triage = "urgent"
	if err := p.field.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	if o = get(); o.Waiting != 1 {
		t.Fatalf("after an update: %+v", o)
	}
}
