package vault

import (
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A vault made before sharing consent named partners by key has it
// rewritten, at the first unlock, into the keys of the contacts that bear
// those names then; a name no contact bears is dropped.
func TestShareMigratedToKeys(t *testing.T) {
	v := newTestVault(t)
	c := &Contact{Name: "Partner NGO", Recipient: "age1x", SigningKey: []byte("0123456789abcdef0123456789abcdef")}
	if err := v.AddContact(c); err != nil {
		t.Fatal(err)
	}
	r := &Record{Status: StatusComplete, Share: []string{"partner ngo", "Gone Partner"}, Body: []byte(`{}`)}
	if err := v.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	// As an older vault: no mark that the migration ran.
	path := v.Path()
	v.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyShareByKey) })
	db.Close()
	v, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	got, err := v.GetRecord(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Share, []string{c.Key()}) || got.Version != r.Version {
		t.Fatalf("share = %v (version %d), want [%s] (version %d)", got.Share, got.Version, c.Key(), r.Version)
	}
	sums, _ := v.Summaries()
	if !slices.Equal(sums[0].Share, []string{c.Key()}) {
		t.Fatalf("summary share = %v", sums[0].Share)
	}
}

// Confirmations are kept per contact and version, and go with the record.
func TestConfirmDelivery(t *testing.T) {
	v := newTestVault(t)
	r := &Record{Status: StatusComplete, Share: []string{"key:a", "key:b"}, Body: []byte(`{}`)}
	if err := v.PutRecord(r); err != nil {
		t.Fatal(err)
	}
	both := func(s Summary, d Delivery) bool { return d["A"] >= s.Version && d["B"] >= s.Version }
	marked, err := v.ConfirmDelivery("A", []RecordVersion{{r.ID, 1}}, both)
	if err != nil || len(marked) != 0 {
		t.Fatalf("after A: %v, %v", marked, err)
	}
	if marked, err = v.ConfirmDelivery("B", []RecordVersion{{r.ID, 1}}, both); err != nil || len(marked) != 1 {
		t.Fatalf("after B: %v, %v", marked, err)
	}
	if got, _ := v.GetRecord(r.ID); got.Status != StatusDelivered || got.Version != 1 {
		t.Fatalf("record: %s v%d", got.Status, got.Version)
	}
	d, _ := v.Deliveries()
	if d[r.ID]["A"] != 1 || d[r.ID]["B"] != 1 {
		t.Fatalf("deliveries = %v", d)
	}
	if err := v.DeleteRecord(r.ID); err != nil {
		t.Fatal(err)
	}
	if d, _ := v.Deliveries(); len(d) != 0 {
		t.Fatalf("confirmations outlived the record: %v", d)
	}
}
