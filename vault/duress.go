package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// The failed-unlock limit and its count are the only settings kept in the
// clear: they are needed before any passphrase has opened the vault. Anyone
// who can edit the file can reset them, but anyone who can copy the file
// can guess offline anyway; the passphrase and scrypt are what protect it.
var (
	keyWipeAfter = []byte("wipeafter")
	keyFailures  = []byte("failures")
)

// WipeAfterChoices are the failed-unlock limits a vault may have (0: off).
var WipeAfterChoices = []int{0, 5, 10, 20}

// AttemptsError is a wrong passphrase under a failed-unlock limit: Left more
// wrong ones erase the vault.
type AttemptsError struct{ Left int }

func (e *AttemptsError) Error() string {
	return fmt.Sprintf("wrong passphrase: %d attempts left before the vault is erased", e.Left)
}

func (e *AttemptsError) Unwrap() error { return ErrWrongPassphrase }

// Attempts returns the failed-unlock limit (0: none) and how many wrong
// passphrases were given since the last good one. It needs no passphrase.
func (v *Vault) Attempts() (limit, failed int) {
	guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			m := tx.Bucket(bucketMeta)
			limit, _ = strconv.Atoi(string(m.Get(keyWipeAfter)))
			failed, _ = strconv.Atoi(string(m.Get(keyFailures)))
			return nil
		})
	})
	return max(limit, 0), max(failed, 0)
}

// SetWipeAfter sets the failed-unlock limit: after n wrong passphrases in a
// row the vault erases itself (0 turns it off). The count starts again.
func (v *Vault) SetWipeAfter(n int) error {
	if !validLimit(n) {
		return fmt.Errorf("the limit must be one of 5, 10 or 20 wrong passphrases, or 0 for none, not %d", n)
	}
	return v.updateSlots(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		var err error
		if n == 0 {
			err = m.Delete(keyWipeAfter)
		} else {
			err = m.Put(keyWipeAfter, []byte(strconv.Itoa(n)))
		}
		if err != nil {
			return err
		}
		if err := m.Delete(keyFailures); err != nil {
			return err
		}
		if err := v.refreshDecoys(tx); err != nil {
			return err
		}
		what := "erase after failed unlocks: off"
		if n > 0 {
			what = fmt.Sprintf("erase after %d failed unlocks", n)
		}
		return v.appendAudit(tx, "settings changed: "+what, "")
	})
}

func validLimit(n int) bool {
	for _, c := range WipeAfterChoices {
		if n == c {
			return true
		}
	}
	return false
}

// failedUnlock counts a wrong passphrase against the limit, and erases the
// vault when it is reached.
func (v *Vault) failedUnlock() error {
	limit, failed := v.Attempts()
	if limit == 0 {
		return ErrWrongPassphrase
	}
	failed++
	if failed >= limit {
		if err := v.Erase(); err != nil {
			return err
		}
		return fmt.Errorf("%w: %w", ErrWrongPassphrase, ErrErased)
	}
	err := guard(func() error {
		return v.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyFailures, []byte(strconv.Itoa(failed)))
		})
	})
	if err != nil {
		// A count that cannot be kept must not give a free guess.
		return fmt.Errorf("count the failed unlock: %w", err)
	}
	return &AttemptsError{Left: limit - failed}
}

// goodUnlock clears the count of wrong passphrases.
func (v *Vault) goodUnlock() error {
	if _, failed := v.Attempts(); failed == 0 || v.readOnly && !v.exclusive {
		return nil
	}
	return guard(func() error {
		return v.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyFailures) })
	})
}

// decoy is what a duress slot holds besides the decoy vault's secret: all
// that is needed to put an empty vault in the real one's place without a
// second scrypt, so that a duress unlock takes as long as a real one.
type decoy struct {
	SlotID    []byte `json:"slot_id"`
	Slot      []byte `json:"slot"` // an ordinary key slot for the decoy secret
	Worker    string `json:"worker"`
	Info      Info   `json:"info"`
	WipeAfter int    `json:"wipe_after,omitempty"`
}

// slotName is what the vault keeps, sealed, about a key slot: the worker's
// name and, for a duress slot, the decoy it opens (so that a change of
// settings reaches it). Older vaults sealed the name alone, as a string.
type slotName struct {
	Worker string      `json:"worker"`
	Duress *duressNote `json:"duress,omitempty"`
}

type duressNote struct {
	Payload slotPayload `json:"payload"` // the duress slot's key part
}

func (n *slotName) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		n.Duress = nil
		return json.Unmarshal(b, &n.Worker)
	}
	type plain slotName
	return json.Unmarshal(b, (*plain)(n))
}

// AddDuressPassphrase adds a passphrase that, when unlocking, erases the
// vault (as Erase) and puts a new, empty vault with the same name and
// settings in its place, opened as if nothing had happened. It must differ
// from every passphrase the vault has; checking costs one scrypt each.
func (v *Vault) AddDuressPassphrase(worker string, passphrase []byte, wf int) error {
	if v.readOnly {
		return ErrReadOnly
	}
	wf, err := v.checkNewPassphrase(passphrase, wf, true)
	if err != nil {
		return err
	}
	worker = cleanWorker(worker)
	d, err := newSecret()
	if err != nil {
		return err
	}
	info, err := v.Info()
	if err != nil {
		return err
	}
	dc := &decoy{SlotID: newKey(), Worker: worker, Info: Info{ID: uuid.NewString(), Name: info.Name, Lang: info.Lang}}
	dc.WipeAfter, _ = v.Attempts()
	if dc.Slot, err = sealSlot(d, worker, passphrase, wf, nil); err != nil {
		return err
	}
	slot, err := sealSlot(d, worker, passphrase, wf, dc)
	if err != nil {
		return err
	}
	note := &duressNote{Payload: *payloadOf(d, dc)}
	return v.updateSlots(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSlots).Stats().KeyN >= maxSlots {
			return fmt.Errorf("the vault already has %d passphrases, the most it can hold", maxSlots)
		}
		id := newKey()
		if err := tx.Bucket(bucketSlots).Put(id, slot); err != nil {
			return err
		}
		if err := putSealed(tx, bucketSlotNames, v.keys.meta, id, slotName{Worker: worker, Duress: note}); err != nil {
			return err
		}
		// Like any added passphrase: the log does not say which kind.
		return v.appendAudit(tx, "passphrase added for "+worker, "")
	})
}

// checkNewPassphrase checks a passphrase about to get a key slot: long
// enough, a valid work factor (returned), an unlocked vault, and not one
// that opens a slot it must not share: any slot, for a duress passphrase;
// a duress slot, for any other (the order slots are tried in would decide
// which one opened).
func (v *Vault) checkNewPassphrase(passphrase []byte, wf int, duress bool) (int, error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return 0, err
	}
	wf, err := workFactor(wf)
	if err != nil {
		return 0, err
	}
	if v.keys == nil {
		return 0, ErrLocked
	}
	if taken, err := v.opens(passphrase, !duress); err != nil {
		return 0, err
	} else if taken {
		return 0, ErrPassphraseTaken
	}
	return wf, nil
}

// ErrPassphraseTaken is returned when a duress passphrase would be the same
// as a passphrase that opens the vault, or the other way round.
var ErrPassphraseTaken = errors.New("a duress passphrase and a passphrase that opens the vault must differ")

// opens reports whether passphrase opens one of the vault's slots: any slot,
// or only duress slots. It costs one scrypt per slot tried.
func (v *Vault) opens(passphrase []byte, duressOnly bool) (bool, error) {
	var slots [][]byte
	err := v.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(k, val []byte) error {
			if duressOnly {
				var n slotName
				if err := getSealed(tx, bucketSlotNames, v.keys.meta, k, &n); err != nil || n.Duress == nil {
					return err
				}
			}
			slots = append(slots, bytes.Clone(val))
			return nil
		})
	})
	if err != nil {
		return false, err
	}
	for _, sl := range slots {
		if _, _, _, err := openSlot(sl, passphrase); !errors.Is(err, errSlotMismatch) {
			return true, nil // opened, or damaged: either way not a safe choice
		}
	}
	return false, nil
}

// refreshDecoys gives every duress slot the vault's current name, language
// and failed-unlock limit. A duress slot's key part is encrypted to the
// slot's own public key, kept in the clear, so it can be rewritten without
// its passphrase.
func (v *Vault) refreshDecoys(tx *bolt.Tx) error {
	var info Info
	if err := v.getMeta(tx, keySettings, &info); err != nil {
		return err
	}
	limit, _ := strconv.Atoi(string(tx.Bucket(bucketMeta).Get(keyWipeAfter)))
	type change struct{ id, slot []byte }
	var changes []change
	err := tx.Bucket(bucketSlots).ForEach(func(k, val []byte) error {
		var n slotName
		if err := getSealed(tx, bucketSlotNames, v.keys.meta, k, &n); err != nil {
			return err
		}
		if n.Duress == nil {
			return nil
		}
		p := n.Duress.Payload
		if p.Decoy == nil {
			return fmt.Errorf("duress passphrase of %s: %w", n.Worker, ErrCorrupt)
		}
		p.Decoy.Info.Name, p.Decoy.Info.Lang, p.Decoy.WipeAfter = info.Name, info.Lang, limit
		var f slotFile
		if err := json.Unmarshal(val, &f); err != nil || f.Format != 2 {
			return fmt.Errorf("duress passphrase of %s: %w", n.Worker, ErrCorrupt)
		}
		r, err := age.ParseHybridRecipient(f.Recipient)
		if err != nil {
			return fmt.Errorf("duress passphrase of %s: %w", n.Worker, ErrCorrupt)
		}
		pt, err := json.Marshal(p)
		if err != nil {
			return err
		}
		defer clear(pt)
		if f.Key, err = ageSeal(r, pt); err != nil {
			return err
		}
		slot, err := json.Marshal(f)
		if err != nil {
			return err
		}
		n.Duress.Payload = p
		if err := putSealed(tx, bucketSlotNames, v.keys.meta, k, n); err != nil {
			return err
		}
		changes = append(changes, change{bytes.Clone(k), slot})
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := tx.Bucket(bucketSlots).Put(c.id, c.slot); err != nil {
			return err
		}
	}
	return nil
}

// becomeDecoy is a duress unlock: it builds the empty decoy vault beside the
// real one, erases the real one's keys in place, and renames the decoy over
// it, then opens it with the decoy secret. A kill before the rename leaves
// the real vault untouched (and the half-made decoy is wiped at the next
// open); after the erase, nothing of the real vault opens.
func (v *Vault) becomeDecoy(s *secret, dc *decoy) error {
	k, err := deriveKeys(s)
	if err != nil {
		return err
	}
	if err := v.holdExclusive(); err != nil {
		return err
	}
	dir := filepath.Dir(v.path)
	tmp := filepath.Join(dir, "."+filepath.Base(v.path)+".new-"+uuid.NewString())
	info := dc.Info
	info.Created = time.Now().UTC()
	if err := build(tmp, k, dc.SlotID, dc.Slot, dc.Worker, info, dc.WipeAfter); err != nil {
		os.Remove(tmp)
		return err
	}
	// From the first overwrite of a key slot to the rename, a killed
	// process would leave neither vault: so the rename follows at once, and
	// the syncs come after it. (Windows cannot rename over an open file:
	// there the vault is closed first.)
	old, err := v.overwriteSlots()
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if runtime.GOOS == "windows" {
		old.Sync()
		old.Close()
		v.db.Close()
	}
	renamed := os.Rename(tmp, v.path)
	if runtime.GOOS != "windows" {
		old.Sync()
		// Freeing a large file's blocks takes a while (a quarter of a
		// second for 100,000 records here): the old file, still open,
		// is closed after the decoy is open.
		defer func() { go old.Close() }()
	}
	v.Lock()
	v.db.Close()
	if renamed != nil {
		return fmt.Errorf("open vault: %w", renamed)
	}
	syncDir(dir)
	nv, err := Open(v.path, Options{ReadOnly: v.readOnly})
	if err != nil {
		return err
	}
	*v = *nv
	v.keys, v.worker, v.slotID = k, dc.Worker, dc.SlotID
	return nil
}
