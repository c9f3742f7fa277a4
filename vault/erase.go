package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	bolt "go.etcd.io/bbolt"
)

// ErrErased is returned by Unlock when a wrong passphrase reached the
// failed-unlock limit (SetWipeAfter) and the vault was erased.
var ErrErased = errors.New("the vault was erased after too many wrong passphrases")

// keySlotsClean, in the clear in the meta bucket, says that no free page of
// the file holds a key slot: set in every new or rewritten file, and kept
// true by scrubbing the pages every change of the key slots leaves behind
// (updateSlots). Without it (a vault from before), Erase zeroes every free
// page, which takes longer.
var keySlotsClean = []byte("slotsclean")

// span is a byte range of the vault file.
type span struct{ off, n int64 }

// Erase destroys the vault for good without rewriting its records: every
// key slot is overwritten in place with random bytes, and so is every free
// page (which may hold an older copy of a slot), the file is synced, then
// removed. The records stay behind as ciphertext whose master key exists
// nowhere: no passphrase opens the file, nor any hard link or later copy of
// it. (A copy taken before, or a file system or flash controller that keeps
// old blocks elsewhere, is out of reach: docs/SECURITY.md.)
//
// It needs the vault opened for writing, but not unlocked: the failed-unlock
// limit erases a locked vault. The Vault is closed afterwards.
func (v *Vault) Erase() error {
	if v.readOnly && !v.exclusive {
		return ErrReadOnly
	}
	if err := v.eraseSlots(); err != nil {
		return fmt.Errorf("erase the vault: %w", err)
	}
	v.Lock()
	v.db.Close()
	if err := os.Remove(v.path); err != nil {
		return fmt.Errorf("the keys were destroyed, but the file could not be removed: %w", err)
	}
	syncDir(filepath.Dir(v.path))
	return nil
}

// holdExclusive makes a vault opened read-only hold its file for writing,
// as an erase needs (and bbolt reads the free pages only then). Another
// fieldvault holding the file makes it fail with ErrBusy.
func (v *Vault) holdExclusive() error {
	if !v.readOnly || v.exclusive {
		return nil
	}
	v.db.Close()
	nv, err := Open(v.path, Options{})
	if err != nil {
		return err
	}
	v.db, v.exclusive = nv.db, true
	return nil
}

// eraseSlots overwrites the key slots and the free pages in place and syncs
// the file.
func (v *Vault) eraseSlots() error {
	f, err := v.overwriteSlots()
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// overwriteSlots overwrites the key slots and the free pages in place, and
// returns the file, not synced yet: once written, a killed process cannot
// take the overwrite back, and the caller may have more to do first.
func (v *Vault) overwriteSlots() (*os.File, error) {
	var slots, free []span
	err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			base := v.db.Info().Data
			size := int64(v.db.Info().PageSize)
			// Values are slices of bbolt's memory map of the file, so
			// their place in the map is their place in the file.
			err := tx.Bucket(bucketSlots).ForEach(func(_, val []byte) error {
				if len(val) > 0 {
					slots = append(slots, span{int64(uintptr(unsafe.Pointer(&val[0])) - base), int64(len(val))})
				}
				return nil
			})
			if err != nil {
				return err
			}
			if string(tx.Bucket(bucketMeta).Get(keySlotsClean)) == "1" {
				return nil
			}
			for id := 2; ; id++ { // pages 0 and 1 are bbolt's meta pages
				p, err := tx.Page(id)
				if err != nil {
					return err
				}
				if p == nil {
					break
				}
				if p.Type == "free" {
					free = append(free, span{int64(id) * size, size})
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(v.path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	// The slots get random bytes; the free pages, zeros, written a run
	// of adjacent pages at a time.
	for _, sl := range slots {
		junk := make([]byte, sl.n)
		rand.Read(junk)
		if _, err := f.WriteAt(junk, sl.off); err != nil {
			f.Close()
			return nil, err
		}
	}
	zeros := make([]byte, 1<<20)
	for i := 0; i < len(free); {
		j := i + 1
		for j < len(free) && free[j].off == free[j-1].off+free[j-1].n {
			j++
		}
		off, end := free[i].off, free[j-1].off+free[j-1].n
		for off < end {
			n := min(int64(len(zeros)), end-off)
			if _, err := f.WriteAt(zeros[:n], off); err != nil {
				f.Close()
				return nil, err
			}
			off += n
		}
		i = j
	}
	return f, nil
}

// slotPages returns the pages that hold key slot values now.
func (v *Vault) slotPages() ([]int, error) {
	var pages []int
	err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			base := v.db.Info().Data
			size := uintptr(v.db.Info().PageSize)
			return tx.Bucket(bucketSlots).ForEach(func(_, val []byte) error {
				if len(val) == 0 {
					return nil
				}
				off := uintptr(unsafe.Pointer(&val[0])) - base
				for p := off / size; p <= (off+uintptr(len(val))-1)/size; p++ {
					pages = append(pages, int(p))
				}
				return nil
			})
		})
	})
	return pages, err
}

// updateSlots runs fn, which changes key slots, in a write transaction, then
// zeroes the pages that held the slots before and are free now: bbolt
// writes a changed page anew and leaves the old one as it was, so without
// this an old copy of a slot would outlive the change (and an erase).
// The clean mark is off until the scrub is synced, so a crash in between
// only makes a later erase zero every free page.
func (v *Vault) updateSlots(fn func(tx *bolt.Tx) error) error {
	before, err := v.slotPages()
	if err != nil {
		return err
	}
	err = v.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Delete(keySlotsClean); err != nil {
			return err
		}
		return fn(tx)
	})
	if err != nil {
		return err
	}
	if err := v.scrub(before); err != nil {
		return fmt.Errorf("overwrite the old key slots: %w", err)
	}
	return v.update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySlotsClean, []byte("1")) })
}

// scrub zeroes those of pages that are free, and syncs the file. Holding
// the file for writing means no other process reads it meanwhile.
func (v *Vault) scrub(pages []int) error {
	var free []int
	err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			for _, id := range pages {
				if p, err := tx.Page(id); err == nil && p != nil && p.Type == "free" {
					free = append(free, id)
				}
			}
			return nil
		})
	})
	if err != nil || len(free) == 0 {
		return err
	}
	f, err := os.OpenFile(v.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	zeros := make([]byte, v.db.Info().PageSize)
	for _, id := range free {
		if _, err := f.WriteAt(zeros, int64(id)*int64(len(zeros))); err != nil {
			return err
		}
	}
	return f.Sync()
}

// Unconfirmed counts the records made in this vault (drafts included) that
// no partner has confirmed receiving yet: what an erase would lose for good.
func (v *Vault) Unconfirmed() (int, error) {
	confirmed, err := v.Deliveries()
	if err != nil {
		return 0, err
	}
	n := 0
	err = v.EachSummary(func(s Summary) error {
		if s.Source == "" && len(confirmed[s.ID]) == 0 {
			n++
		}
		return nil
	})
	return n, err
}
