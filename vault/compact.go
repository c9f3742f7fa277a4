package vault

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Compact rewrites the vault into a fresh file and overwrites the old one, so
// that deleted records and replaced key slots do not linger in free pages.
// bbolt never shrinks or wipes a file by itself.
//
// The new file replaces the old by rename, so a crash leaves either the old
// vault or the new one at the path, never neither. Wiping happens only after
// the rename, on the old file's unlinked contents. (Flash storage may still
// keep old blocks; docs/SECURITY.md says so.)
func (v *Vault) Compact() error {
	if v.keys == nil {
		return ErrLocked
	}
	if v.readOnly {
		return ErrReadOnly
	}
	dir := filepath.Dir(v.path)
	tmp := filepath.Join(dir, "."+filepath.Base(v.path)+".compact-"+uuid.NewString())
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: lockTimeout, PageSize: pageSize})
	if err != nil {
		return fmt.Errorf("compact vault: %w", err)
	}
	err = guard(func() error {
		if err := bolt.Compact(dst, v.db, 4<<20); err != nil {
			return err
		}
		// A new file has no free page, so none holds an old key slot.
		return dst.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySlotsClean, []byte("1")) })
	})
	if err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}

	return v.replaceWith(tmp)
}

// wipe overwrites an open file with zeros and syncs it.
func wipe(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < fi.Size(); off += int64(len(zeros)) {
		n := min(int64(len(zeros)), fi.Size()-off)
		if _, err := f.WriteAt(zeros[:n], off); err != nil {
			return fmt.Errorf("wipe old vault copy: %w", err)
		}
	}
	return f.Sync()
}
