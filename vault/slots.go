package vault

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"filippo.io/age"
	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// ErrLastSlot is returned when removing the only passphrase would lock
// everyone out for good.
var ErrLastSlot = errors.New("this is the vault's only passphrase")

// Slot describes one passphrase key slot. The name is readable only once the
// vault is unlocked: it is sealed apart from the slot itself so that listing
// slots does not cost an scrypt each.
type Slot struct {
	ID      string `json:"id"`
	Worker  string `json:"worker"`
	Current bool   `json:"current"` // the slot that unlocked this session
}

func (v *Vault) putSlot(tx *bolt.Tx, id, slot []byte, worker string) error {
	if err := tx.Bucket(bucketSlots).Put(id, slot); err != nil {
		return err
	}
	return putSealed(tx, bucketSlotNames, v.keys.meta, id, worker)
}

// AddPassphrase adds a key slot so that another worker can unlock the vault
// with their own passphrase.
func (v *Vault) AddPassphrase(worker string, passphrase []byte, wf int) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	wf, err := workFactor(wf)
	if err != nil {
		return err
	}
	if v.keys == nil {
		return ErrLocked
	}
	worker = cleanWorker(worker)
	slot, err := sealSlot(v.keys.secret, worker, passphrase, wf)
	if err != nil {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSlots).Stats().KeyN >= maxSlots {
			return fmt.Errorf("the vault already has %d passphrases, the most it can hold", maxSlots)
		}
		if err := v.putSlot(tx, newKey(), slot, worker); err != nil {
			return err
		}
		return v.appendAudit(tx, "passphrase added for "+worker, "")
	})
}

// ChangePassphrase replaces the passphrase of the slot that unlocked the
// vault. The old passphrase stops working in the same transaction.
func (v *Vault) ChangePassphrase(passphrase []byte, wf int) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	wf, err := workFactor(wf)
	if err != nil {
		return err
	}
	if v.keys == nil {
		return ErrLocked
	}
	slot, err := sealSlot(v.keys.secret, v.worker, passphrase, wf)
	if err != nil {
		return err
	}
	err = v.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSlots).Get(v.slotID) == nil {
			return fmt.Errorf("the passphrase you unlocked with was removed meanwhile: %w", ErrNotFound)
		}
		if err := v.putSlot(tx, v.slotID, slot, v.worker); err != nil {
			return err
		}
		return v.appendAudit(tx, "passphrase changed for "+v.worker, "")
	})
	if err != nil {
		return err
	}
	// The old slot still opens with the old passphrase: it must not survive
	// in a free page.
	return v.Compact()
}

// Passphrases lists the key slots with the names of the workers holding them.
func (v *Vault) Passphrases() ([]Slot, error) {
	var slots []Slot
	err := v.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(k, _ []byte) error {
			var worker string
			if err := getSealed(tx, bucketSlotNames, v.keys.meta, k, &worker); err != nil {
				return fmt.Errorf("read passphrase name: %w", err)
			}
			id, _ := uuid.FromBytes(k)
			slots = append(slots, Slot{ID: id.String(), Worker: worker, Current: bytes.Equal(k, v.slotID)})
			return nil
		})
	})
	sort.Slice(slots, func(i, j int) bool { return slots[i].Worker < slots[j].Worker })
	return slots, err
}

// RemovePassphrase removes a key slot, named by its worker's name or by its
// ID (or a unique ID prefix), for a worker who has left. The last slot cannot
// be removed.
func (v *Vault) RemovePassphrase(id string) error {
	slots, err := v.Passphrases()
	if err != nil {
		return err
	}
	var match []Slot
	for _, s := range slots {
		if strings.EqualFold(s.Worker, id) || len(id) >= 4 && strings.HasPrefix(s.ID, id) {
			match = append(match, s)
		}
	}
	switch {
	case len(match) == 0:
		return fmt.Errorf("passphrase %q: %w", id, ErrNotFound)
	case len(match) > 1:
		return fmt.Errorf("%q names %d passphrases; give the ID from 'fieldvault passphrase list'", id, len(match))
	}
	if len(slots) == 1 {
		return ErrLastSlot
	}
	key, _ := uuid.Parse(match[0].ID)
	err = v.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSlots).Delete(key[:]); err != nil {
			return err
		}
		if err := tx.Bucket(bucketSlotNames).Delete(key[:]); err != nil {
			return err
		}
		return v.appendAudit(tx, "passphrase removed for "+match[0].Worker, "")
	})
	if err != nil {
		return err
	}
	return v.Compact()
}

// ExportIdentity returns the vault's age identity as an age identity file
// encrypted with passphrase, for emergency access with the stock age CLI
// (age -d -i FILE bundle.age | tar x). The export is written to the audit
// log.
func (v *Vault) ExportIdentity(passphrase []byte, wf int) ([]byte, error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, err
	}
	wf, err := workFactor(wf)
	if err != nil {
		return nil, err
	}
	if v.keys == nil {
		return nil, ErrLocked
	}
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(wf)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	id := v.keys.secret.identity
	fmt.Fprintf(w, "# fieldvault vault identity: opens bundles and receipts sent to this vault\n# public key: %s\n%s\n", id.Recipient(), id)
	if err := w.Close(); err != nil {
		return nil, err
	}
	err = v.update(func(tx *bolt.Tx) error { return v.appendAudit(tx, "vault identity exported", "") })
	return buf.Bytes(), err
}
