package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

var duressPass = []byte("blue kettle quiet morning")

// linked makes a hard link to the vault file, as a copy an attacker might
// hope survives a wipe in place.
func linked(t *testing.T, v *Vault) string {
	t.Helper()
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Link(v.Path(), link); err != nil {
		t.Skipf("no hard links here: %v", err)
	}
	return link
}

// slotBytes returns every key slot value as stored.
func slotBytes(t testing.TB, v *Vault) [][]byte {
	t.Helper()
	var out [][]byte
	err := v.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(_, val []byte) error {
			out = append(out, bytes.Clone(val))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// opensWith reports whether the file at path opens with passphrase.
func opensWith(t *testing.T, path string, passphrase []byte) bool {
	t.Helper()
	v, err := Open(path, Options{})
	if err != nil {
		return false
	}
	defer v.Close()
	return v.Unlock(passphrase) == nil
}

// assertErased checks that neither the vault's path nor a hard link taken
// before opens with the real passphrase, and that no key slot (nor an older
// copy of one, left in a free page) is anywhere in the linked file.
func assertErased(t *testing.T, path, link string, slots [][]byte) {
	t.Helper()
	if opensWith(t, path, testPass) {
		t.Error("the vault's path still opens with the real passphrase")
	}
	if opensWith(t, link, testPass) {
		t.Error("a hard link to the vault still opens with the real passphrase")
	}
	data, err := os.ReadFile(link)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range slots {
		// A key slot's scrypt-wrapped lock: 64 bytes of it are enough.
		if bytes.Contains(data, s[len(s)/2:len(s)/2+64]) {
			t.Errorf("key slot %d is still in the file", i)
		}
	}
}

func TestEraseDestroysEveryCopyOfTheKeys(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutRecords([]*Record{{Status: StatusComplete, Body: sampleBody}}); err != nil {
		t.Fatal(err)
	}
	// Adding a passphrase writes the slots' page anew: the old page, with
	// the first slot in it, is now a free page.
	before := slotBytes(t, v)
	if err := v.AddPassphrase("Budi", []byte("second passphrase here"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	slots := append(before, slotBytes(t, v)...)
	link := linked(t, v)
	path := v.Path()
	if err := v.Erase(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the vault file is still there: %v", err)
	}
	assertErased(t, path, link, slots)
	if opensWith(t, link, []byte("second passphrase here")) {
		t.Error("the hard link opens with the second passphrase")
	}
}

func TestEraseNeedsTheFileForWriting(t *testing.T) {
	v := newTestVault(t)
	v = reopen(t, v)
	v.Close()
	ro, err := Open(v.Path(), Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Erase(); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Erase on a shared, read-only open: %v", err)
	}
	ro.Close()
	if !opensWith(t, v.Path(), testPass) {
		t.Error("a refused Erase damaged the vault")
	}
}

func TestWipeAfterFailedUnlocks(t *testing.T) {
	v := newTestVault(t)
	if err := v.SetWipeAfter(7); err == nil {
		t.Error("a limit of 7 was accepted")
	}
	if err := v.SetWipeAfter(5); err != nil {
		t.Fatal(err)
	}
	link := linked(t, v)
	slots := slotBytes(t, v)
	path := v.Path()
	v.Close()
	wrong := []byte("not the passphrase at all")

	// Four wrong, each counted, across restarts and read-only opens.
	for i := 1; i <= 4; i++ {
		v, err := Open(path, Options{ReadOnly: i%2 == 0})
		if err != nil {
			t.Fatal(err)
		}
		var ae *AttemptsError
		if err := v.Unlock(wrong); !errors.As(err, &ae) || !errors.Is(err, ErrWrongPassphrase) || ae.Left != 5-i {
			t.Fatalf("wrong passphrase %d: %v, want %d attempts left", i, err, 5-i)
		}
		if limit, failed := v.Attempts(); limit != 5 || failed != i {
			t.Fatalf("after %d wrong: limit %d, failed %d", i, limit, failed)
		}
		v.Close()
	}
	// The right one resets the count.
	v, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
	if _, failed := v.Attempts(); failed != 0 {
		t.Fatalf("a good unlock left %d failures counted", failed)
	}
	v.Close()
	// Five wrong in a row erase it.
	for i := 1; i <= 5; i++ {
		v, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = v.Unlock(wrong)
		if i < 5 {
			v.Close()
			continue
		}
		if !errors.Is(err, ErrErased) || !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("fifth wrong passphrase: %v, want ErrErased", err)
		}
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrNoVault) {
		t.Errorf("after the limit, opening the path: %v, want ErrNoVault", err)
	}
	assertErased(t, path, link, slots)
}

func TestNoLimitNoCount(t *testing.T) {
	v := reopen(t, newTestVault(t))
	for range 30 {
		if err := v.Unlock([]byte("not the passphrase at all")); err != ErrWrongPassphrase {
			t.Fatalf("without a limit: %v, want plain ErrWrongPassphrase", err)
		}
	}
	if err := v.Unlock(testPass); err != nil {
		t.Fatal(err)
	}
}

// duressVault is a vault of one record with a second worker and a duress
// passphrase.
func duressVault(t *testing.T) *Vault {
	t.Helper()
	v := newTestVault(t)
	if err := v.SetInfo(Info{Name: "Field team", Lang: "id"}); err != nil {
		t.Fatal(err)
	}
	if err := v.PutRecords([]*Record{{Status: StatusComplete, Body: sampleBody}}); err != nil {
		t.Fatal(err)
	}
	if err := v.AddPassphrase("Budi", []byte("second passphrase here"), testWorkFactor); err != nil {
		t.Fatal(err)
	}
	if err := v.AddDuressPassphrase("Sari", duressPass, testWorkFactor); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDuressUnlockOpensAnEmptyVault(t *testing.T) {
	v := duressVault(t)
	if err := v.SetWipeAfter(10); err != nil {
		t.Fatal(err)
	}
	if err := v.SetInfo(Info{Name: "Tim lapangan", Lang: "id"}); err != nil {
		t.Fatal(err)
	}
	oldInfo, _ := v.Info()
	slots := slotBytes(t, v)
	link := linked(t, v)
	path := v.Path()
	v = reopen(t, v)
	if err := v.Unlock(duressPass); err != nil {
		t.Fatalf("duress unlock: %v", err)
	}
	if !v.Unlocked() || v.Worker() != "Sari" {
		t.Fatalf("after a duress unlock: unlocked %v, worker %q", v.Unlocked(), v.Worker())
	}
	sums, err := v.Summaries()
	if err != nil || len(sums) != 0 {
		t.Fatalf("the decoy lists %d records (%v)", len(sums), err)
	}
	info, _ := v.Info()
	if info.Name != "Tim lapangan" || info.Lang != "id" || info.ID == oldInfo.ID {
		t.Errorf("decoy settings %+v, want the name and language of %+v and a new ID", info, oldInfo)
	}
	if limit, failed := v.Attempts(); limit != 10 || failed != 0 {
		t.Errorf("decoy failed-unlock limit %d (failed %d), want 10", limit, failed)
	}
	ps, err := v.Passphrases()
	if err != nil || len(ps) != 1 || ps[0].Worker != "Sari" || ps[0].Duress || !ps[0].Current {
		t.Errorf("decoy passphrases %+v (%v), want Sari's alone", ps, err)
	}
	entries, err := v.AuditLog()
	if err != nil || len(entries) != 1 || entries[0].Action != "vault created" {
		t.Errorf("decoy audit log %+v (%v), want a new vault's", entries, err)
	}
	v.Close()
	assertErased(t, path, link, slots)
	if opensWith(t, link, []byte("second passphrase here")) || opensWith(t, path, []byte("second passphrase here")) {
		t.Error("another worker's passphrase still opens something")
	}
	// The duress passphrase keeps opening the decoy, as a plain passphrase.
	if !opensWith(t, path, duressPass) {
		t.Error("the duress passphrase does not open the decoy again")
	}
}

func TestDuressSlotNeverHoldsTheVaultSecret(t *testing.T) {
	v := duressVault(t)
	// Removing a worker changes the master key and rewraps every slot but
	// the duress one.
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatal(err)
	}
	real := v.keys.secret.master
	found := false
	for _, sl := range slotBytes(t, v) {
		s, _, _, dc, err := openSlotDecoy(sl, duressPass)
		if err != nil {
			continue
		}
		found = true
		if dc == nil || bytes.Equal(s.master, real) {
			t.Fatal("the duress slot opens the vault's own secret")
		}
	}
	if !found {
		t.Fatal("no slot opens with the duress passphrase after the rekey")
	}
	v = reopen(t, v)
	if err := v.Unlock(duressPass); err != nil {
		t.Fatal(err)
	}
	if sums, _ := v.Summaries(); len(sums) != 0 {
		t.Errorf("after a rekey the duress passphrase shows %d records", len(sums))
	}
}

func TestDuressPassphraseMustDiffer(t *testing.T) {
	v := duressVault(t)
	if err := v.AddDuressPassphrase("X", testPass, testWorkFactor); !errors.Is(err, ErrPassphraseTaken) {
		t.Errorf("duress passphrase equal to a real one: %v", err)
	}
	if err := v.AddPassphrase("X", duressPass, testWorkFactor); !errors.Is(err, ErrPassphraseTaken) {
		t.Errorf("new passphrase equal to the duress one: %v", err)
	}
	if _, err := v.ChangePassphrase(duressPass, testWorkFactor); !errors.Is(err, ErrPassphraseTaken) {
		t.Errorf("changed passphrase equal to the duress one: %v", err)
	}
	v.Close()
	if !opensWith(t, v.Path(), testPass) {
		t.Error("refusals changed the vault")
	}
}

func TestDuressSlotIsNotTheLastPassphrase(t *testing.T) {
	v := duressVault(t)
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatal(err)
	}
	ps, _ := v.Passphrases()
	var real, duress string
	for _, p := range ps {
		if p.Duress {
			duress = p.ID
		} else {
			real = p.ID
		}
	}
	if _, err := v.RemovePassphrase(real); !errors.Is(err, ErrLastSlot) {
		t.Errorf("removing the last real passphrase beside a duress one: %v", err)
	}
	if _, err := v.RemovePassphrase(duress); err != nil {
		t.Errorf("removing the duress passphrase: %v", err)
	}
	if ok, _ := v.opens(duressPass, false); ok {
		t.Error("the removed duress passphrase still opens a slot")
	}
}

// TestEraseOlderVault: a vault from before slot scrubbing may keep old key
// slots in free pages; Erase then zeroes every free page.
func TestEraseOlderVault(t *testing.T) {
	v := newTestVault(t)
	before := slotBytes(t, v)
	// Change the slots as an older fieldvault did: no scrub, no mark.
	err := v.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Delete(keySlotsClean); err != nil {
			return err
		}
		return tx.Bucket(bucketSlots).Put(newKey(), bytes.Clone(before[0]))
	})
	if err != nil {
		t.Fatal(err)
	}
	link := linked(t, v)
	path := v.Path()
	if err := v.Erase(); err != nil {
		t.Fatal(err)
	}
	assertErased(t, path, link, before)
}

// TestClearSettingsSurviveRekey: the failed-unlock limit and count, kept in
// the clear, are carried over when the master key changes.
func TestClearSettingsSurviveRekey(t *testing.T) {
	v := duressVault(t)
	if err := v.SetWipeAfter(10); err != nil {
		t.Fatal(err)
	}
	if _, err := v.RemovePassphrase("Budi"); err != nil {
		t.Fatalf("rekey with a failed-unlock limit set: %v", err)
	}
	if limit, _ := v.Attempts(); limit != 10 {
		t.Errorf("after the rekey the limit is %d, want 10", limit)
	}
}
