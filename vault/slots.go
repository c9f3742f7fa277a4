package vault

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
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
	// Duress: unlocking with it erases the vault (AddDuressPassphrase).
	Duress bool `json:"duress,omitempty"`
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
	wf, err := v.checkNewPassphrase(passphrase, wf, false)
	if err != nil {
		return err
	}
	worker = cleanWorker(worker)
	slot, err := sealSlot(v.keys.secret, worker, passphrase, wf, nil)
	if err != nil {
		return err
	}
	return v.updateSlots(func(tx *bolt.Tx) error {
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
// vault and changes the master key (see RemovePassphrase): the old
// passphrase opens neither this file nor, in any older copy, what is
// written from now on.
func (v *Vault) ChangePassphrase(passphrase []byte, wf int) (Rekeyed, error) {
	wf, err := v.checkNewPassphrase(passphrase, wf, false)
	if err != nil {
		return Rekeyed{}, err
	}
	current := v.slotID
	held := false
	res, err := v.changeSlots(current, func(id, slot []byte, s *secret) ([]byte, error) {
		if bytes.Equal(id, current) {
			held = true
			return sealSlot(s, v.worker, passphrase, wf, nil)
		}
		return slot, nil
	}, "passphrase changed for "+v.worker)
	if err == nil && !held {
		err = fmt.Errorf("the passphrase you unlocked with was removed meanwhile: %w", ErrNotFound)
	}
	return res, err
}

// changeSlots applies edit to every key slot (nil drops one) and changes the
// master key, giving it to every slot that remains. If a slot made by an
// older fieldvault remains (other than skip), it cannot take a new key
// without its passphrase: the slots are changed under the old master key
// and the vault compacted, and NotRotated names whose slots they are.
func (v *Vault) changeSlots(skip []byte, edit func(id, slot []byte, s *secret) ([]byte, error), audit string) (Rekeyed, error) {
	slots, err := v.Passphrases()
	if err != nil {
		return Rekeyed{}, err
	}
	var old []string
	err = v.view(func(tx *bolt.Tx) error {
		for _, sl := range slots {
			u, _ := uuid.Parse(sl.ID)
			if val := tx.Bucket(bucketSlots).Get(u[:]); len(val) > 0 && val[0] != '{' && !bytes.Equal(u[:], skip) {
				old = append(old, sl.Worker)
			}
		}
		return nil
	})
	if err != nil {
		return Rekeyed{}, err
	}
	duress := map[string]bool{}
	for _, sl := range slots {
		duress[sl.ID] = sl.Duress
	}
	if len(old) == 0 {
		return v.rekey(func(id, slot []byte, s *secret) ([]byte, error) {
			edited, err := edit(id, slot, s)
			u, _ := uuid.FromBytes(id)
			switch {
			case err != nil || edited == nil:
				return nil, err
			case !bytes.Equal(edited, slot):
				return edited, nil // made anew, with the new secret
			case duress[u.String()]:
				// It holds the decoy's secret, never the vault's.
				return slot, nil
			}
			return rewrapSlot(slot, s)
		}, audit+masterKeyChanged)
	}
	// Without rotation: the same secret, slots changed in place.
	err = v.update(func(tx *bolt.Tx) error {
		var drop [][]byte
		var puts [][2][]byte
		err := tx.Bucket(bucketSlots).ForEach(func(k, val []byte) error {
			slot, err := edit(k, val, v.keys.secret)
			switch {
			case err != nil:
				return err
			case slot == nil:
				drop = append(drop, bytes.Clone(k))
			case !bytes.Equal(slot, val):
				puts = append(puts, [2][]byte{bytes.Clone(k), slot})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range drop {
			if err := tx.Bucket(bucketSlots).Delete(k); err != nil {
				return err
			}
			if err := tx.Bucket(bucketSlotNames).Delete(k); err != nil {
				return err
			}
		}
		for _, p := range puts {
			if err := tx.Bucket(bucketSlots).Put(p[0], p[1]); err != nil {
				return err
			}
		}
		return v.appendAudit(tx, audit+"; master key not changed: older key slots remain", "")
	})
	if err != nil {
		return Rekeyed{}, err
	}
	// The old slot still opens with the old passphrase: it must not
	// survive in a free page.
	return Rekeyed{NotRotated: old}, v.Compact()
}

// Passphrases lists the key slots with the names of the workers holding them.
func (v *Vault) Passphrases() ([]Slot, error) {
	var slots []Slot
	err := v.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSlots).ForEach(func(k, _ []byte) error {
			var n slotName
			if err := getSealed(tx, bucketSlotNames, v.keys.meta, k, &n); err != nil {
				return fmt.Errorf("read passphrase name: %w", err)
			}
			id, _ := uuid.FromBytes(k)
			slots = append(slots, Slot{ID: id.String(), Worker: n.Worker, Current: bytes.Equal(k, v.slotID), Duress: n.Duress != nil})
			return nil
		})
	})
	sort.Slice(slots, func(i, j int) bool { return slots[i].Worker < slots[j].Worker })
	return slots, err
}

// RemovePassphrase removes a key slot, named by its worker's name or by its
// ID (or a unique ID prefix), for a worker who has left, and changes the
// master key: every record, draft and sealed value is encrypted again and
// the file rewritten, so the removed passphrase opens nothing written from
// now on, even in an older copy of the file. The last slot cannot be
// removed.
func (v *Vault) RemovePassphrase(id string) (Rekeyed, error) {
	slots, err := v.Passphrases()
	if err != nil {
		return Rekeyed{}, err
	}
	var match []Slot
	for _, s := range slots {
		if strings.EqualFold(s.Worker, id) || len(id) >= 4 && strings.HasPrefix(s.ID, id) {
			match = append(match, s)
		}
	}
	switch {
	case len(match) == 0:
		return Rekeyed{}, &NotFoundError{Kind: "passphrase", Name: id}
	case len(match) > 1:
		return Rekeyed{}, fmt.Errorf("%q names %d passphrases; give the ID from 'fieldvault passphrase list'", id, len(match))
	}
	opening := 0 // passphrases that open the vault, not a decoy
	for _, s := range slots {
		if !s.Duress {
			opening++
		}
	}
	if opening == 1 && !match[0].Duress {
		return Rekeyed{}, ErrLastSlot
	}
	key, _ := uuid.Parse(match[0].ID)
	gone := key[:]
	return v.changeSlots(gone, func(id, slot []byte, _ *secret) ([]byte, error) {
		if bytes.Equal(id, gone) {
			return nil, nil
		}
		return slot, nil
	}, "passphrase removed for "+match[0].Worker)
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

// upgradeSlot rewrites a format 1 slot, just opened with passphrase, as a
// format 2 slot at the work factor it had.
func (v *Vault) upgradeSlot(id, old, passphrase []byte) error {
	wf := DefaultWorkFactor
	if i := bytes.Index(old, []byte("\n-> scrypt ")); i >= 0 {
		line, _, _ := bytes.Cut(old[i+len("\n-> scrypt "):], []byte("\n"))
		if f := strings.Fields(string(line)); len(f) == 2 {
			if n, err := strconv.Atoi(f[1]); err == nil && n >= MinWorkFactor && n <= MaxWorkFactor {
				wf = n
			}
		}
	}
	slot, err := sealSlot(v.keys.secret, v.worker, passphrase, wf, nil)
	if err != nil {
		return err
	}
	return v.updateSlots(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSlots).Put(id, slot); err != nil {
			return err
		}
		return v.appendAudit(tx, "key slot updated for "+v.worker, "")
	})
}
