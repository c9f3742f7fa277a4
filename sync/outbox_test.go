package sync

import (
	"time"

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

// A record left out for want of consent is told once, at the first bundle
// after it changed, not at every export; the outbox counts them all.
func TestNotSharedToldOnce(t *testing.T) {
	p := newPair(t)
	intakes(t, p.field, 1, "Partner NGO")
	intakes(t, p.field, 1) // shared with nobody
	first, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || first.NotShared != 1 {
		t.Fatalf("first export: %+v, %v", first, err)
	}
	time.Sleep(1100 * time.Millisecond) // the next records change a second later
	intakes(t, p.field, 1, "Partner NGO")
	second, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || second.NotShared != 0 {
		t.Fatalf("second export told the same record again: %+v, %v", second, err)
	}
	time.Sleep(1100 * time.Millisecond)
	intakes(t, p.field, 1, "Partner NGO")
	intakes(t, p.field, 1)
	third, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || third.NotShared != 1 {
		t.Fatalf("third export: %+v, %v", third, err)
	}
	boxes, err := Outboxes(p.field)
	if err != nil || boxes[0].NotShared != 2 {
		t.Fatalf("outbox: %+v, %v", boxes, err)
	}
}
