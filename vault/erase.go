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

// eraseSlots overwrites the key slots and the free pages in place and syncs
// the file.
func (v *Vault) eraseSlots() error {
	var spans []span
	err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			base := v.db.Info().Data
			size := int64(v.db.Info().PageSize)
			// Values are slices of bbolt's memory map of the file, so
			// their place in the map is their place in the file.
			err := tx.Bucket(bucketSlots).ForEach(func(_, val []byte) error {
				if len(val) > 0 {
					spans = append(spans, span{int64(uintptr(unsafe.Pointer(&val[0])) - base), int64(len(val))})
				}
				return nil
			})
			if err != nil {
				return err
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
					spans = append(spans, span{int64(id) * size, size})
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(v.path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, v.db.Info().PageSize)
	for _, s := range spans {
		for done := int64(0); done < s.n; {
			chunk := buf[:min(int64(len(buf)), s.n-done)]
			rand.Read(chunk)
			if _, err := f.WriteAt(chunk, s.off+done); err != nil {
				return err
			}
			done += int64(len(chunk))
		}
	}
	return f.Sync()
}
