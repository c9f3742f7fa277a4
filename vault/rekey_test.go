package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// oldCopyKeys opens a copy of the vault file with a passphrase, as the
// holder of a removed passphrase could, and returns the keys it yields.
func oldCopyKeys(t *testing.T, file string, passphrase []byte) *keys {
	t.Helper()
	db, err := bolt.Open(file, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var k *keys
	db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(_, val []byte) error {
			if s, _, _, err := openSlot(val, passphrase); err == nil {
				k, _ = deriveKeys(s)
			}
			return nil
		})
	})
	if k == nil {
		t.Fatal("the passphrase opens no slot of the old copy")
	}
	return k
}

// rawRecordBlob reads a record's encrypted blob from a vault file.
func rawRecordBlob(t *testing.T, file, id string) []byte {
	t.Helper()
	db, err := bolt.Open(file, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var blob []byte
	db.View(func(tx *bolt.Tx) error {
		u := uuid.MustParse(id)
		blob = bytes.Clone(tx.Bucket(bucketRecords).Get(u[:]))
		return nil
	})
	return blob
}

// A worker who left keeps their passphrase and, say, a USB copy of the
// vault file from before. Removing their passphrase changes the master key:
// with it and the old copy they read nothing written after the removal.
// Changing a passphrase that leaked does the same.
func TestRemovedPassphraseReadsNothingNew(t *testing.T) {
	for _, how := range []string{"remove", "change"} {
		t.Run(how, func(t *testing.T) {
			v := newTestVault(t)
			budi := []byte("budi's own passphrase")
			if err := v.AddPassphrase("Budi", budi, testWorkFactor); err != nil {
				t.Fatal(err)
			}
			before := &Record{Status: StatusComplete, Body: []byte(`{"a":"written before"}`)}
			if err := v.PutRecord(before); err != nil {
				t.Fatal(err)
			}
			old := filepath.Join(t.TempDir(), "usb-copy.db")
			f, _ := os.Create(old)
			if err := v.Copy(f); err != nil {
				t.Fatal(err)
			}
			f.Close()

			var res Rekeyed
			var err error
			if how == "remove" {
				res, err = v.RemovePassphrase("Budi")
			} else {
				// Budi's passphrase leaked: he changes it.
				v = reopen(t, v)
				if err := v.Unlock(budi); err != nil {
					t.Fatal(err)
				}
				res, err = v.ChangePassphrase([]byte("budi's fresh passphrase"), testWorkFactor)
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.Records != 1 || res.Values < res.Records || res.Passphrases != 2-map[string]int{"remove": 1, "change": 0}[how] || len(res.NotRotated) > 0 {
				t.Fatalf("rekey = %+v", res)
			}
			after := &Record{Status: StatusComplete, Body: []byte(`{"a":"CanaryWrittenAfter"}`)}
			if err := v.PutRecord(after); err != nil {
				t.Fatal(err)
			}
			path := v.Path()
			v.Close()

			k := oldCopyKeys(t, old, budi)
			for _, id := range []string{after.ID, before.ID} {
				ad := adFor(bucketRecords, recordKey(id))
				if pt, err := decryptBlob(k.wrap, ad, rawRecordBlob(t, path, id)); err == nil {
					t.Fatalf("the old passphrase with the old copy reads record %s of the current file: %s", id, pt)
				}
			}
			v, err = Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			if err := v.Unlock(budi); !errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("the old passphrase still unlocks the vault: %v", err)
			}
			pass := testPass
			if err := v.Unlock(pass); err != nil {
				t.Fatal(err)
			}
			for _, r := range []*Record{before, after} {
				got, err := v.GetRecord(r.ID)
				if err != nil || !bytes.Equal(got.Body, r.Body) {
					t.Fatalf("record %s after the rekey: %v", r.ID, err)
				}
			}
			if _, err := v.VerifyAudit(); err != nil {
				t.Fatalf("audit chain after the rekey: %v", err)
			}
			if names := rawBucket(t, v, bucketSlotNames); len(names) != res.Passphrases {
				t.Fatalf("%d slot names for %d passphrases: a removed worker's name stayed", len(names), res.Passphrases)
			}
		})
	}
}

// A key slot made before slots could take a new master key is rewritten at
// its holder's next unlock, at its own work factor; until then removing
// another passphrase works but cannot change the master key, and says so.
func TestOldSlotUpgraded(t *testing.T) {
	v := newTestVault(t)
	budi := []byte("budi's own passphrase")
	if err := v.AddPassphrase("Budi", budi, testWorkFactor); err != nil {
		t.Fatal(err)
	}
	// Budi's slot as an older fieldvault wrote it: one scrypt file holding
	// the secret.
	s := v.keys.secret
	legacy, err := ageSealScrypt(budi, MinWorkFactor, slotPayload{Format: 1, Worker: "Budi", Master: s.master, Identity: s.identity.String(), Signing: s.signing.Seed()})
	if err != nil {
		t.Fatal(err)
	}
	var budiID []byte
	v.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(k, val []byte) error {
			if _, w, _, err := openSlot(val, budi); err == nil && w == "Budi" {
				budiID = bytes.Clone(k)
			}
			return nil
		})
	})
	v.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSlots).Put(budiID, legacy) })

	// Sari removes a third passphrase: Budi's old slot keeps the key.
	if err := v.AddPassphrase("Cici", []byte("cici's own passphrase"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	res, err := v.RemovePassphrase("Cici")
	if err != nil || len(res.NotRotated) != 1 || res.NotRotated[0] != "Budi" {
		t.Fatalf("remove with an old slot left: %+v, %v", res, err)
	}
	// Without a new key, the slot and its name are gone all the same, and
	// the audit says the key stayed.
	if slots, _ := v.Passphrases(); len(slots) != 2 || slices.ContainsFunc(slots, func(s Slot) bool { return s.Worker == "Cici" }) {
		t.Fatalf("after removing Cici: %+v", slots)
	}
	if log, _ := v.AuditLog(); !strings.HasSuffix(log[len(log)-1].Action, "master key not changed: older key slots remain") {
		t.Fatalf("the audit says %q", log[len(log)-1].Action)
	}
	// Budi unlocks once: his slot is rewritten, at the work factor it had
	// (the least there is, which is not the default).
	v = reopen(t, v)
	if err := v.Unlock(budi); err != nil {
		t.Fatal(err)
	}
	slot := rawBucket(t, v, bucketSlots)
	upgraded := false
	for _, sl := range slot {
		if _, w, old, err := openSlot(sl, budi); err == nil && w == "Budi" {
			upgraded = !old && bytes.Contains(sl, []byte(`"lock"`))
		}
	}
	if !upgraded {
		t.Fatal("the old slot was not rewritten at unlock")
	}
	if log, _ := v.AuditLog(); log[len(log)-1].Action != "key slot updated for Budi" {
		t.Fatalf("the audit says %q", log[len(log)-1].Action)
	}
	for _, sl := range slot {
		if _, w, _, err := openSlot(sl, budi); err == nil && w == "Budi" {
			var f slotFile
			json.Unmarshal(sl, &f)
			if m := regexp.MustCompile(`\n-> scrypt [A-Za-z0-9+/]+ (\d+)\n`).FindSubmatch(f.Lock); m == nil || string(m[1]) != strconv.Itoa(MinWorkFactor) {
				t.Fatalf("the upgraded slot's scrypt line: %q, want work factor %d", m, MinWorkFactor)
			}
		}
	}
	v.Lock()
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	if res, err := v.RemovePassphrase("Budi"); err != nil || len(res.NotRotated) > 0 || res.Passphrases != 1 {
		t.Fatalf("remove after the upgrade: %+v, %v", res, err)
	}
}
