package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

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
	if err := guard(func() error { return bolt.Compact(dst, v.db, 4<<20) }); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}

	old, err := os.OpenFile(v.path, os.O_RDWR, 0)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}
	defer old.Close()
	if runtime.GOOS == "windows" {
		// Windows cannot rename over an open file, so there the old contents
		// go unwiped; docs/SECURITY.md says so.
		v.db.Close()
		old.Close()
	}
	if err := os.Rename(tmp, v.path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("compact vault: %w", err)
	}
	syncDir(dir)
	if runtime.GOOS != "windows" {
		v.db.Close()
	}
	db, err := bolt.Open(v.path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return mapOpenError(v.path, err)
	}
	v.db = db
	if runtime.GOOS == "windows" {
		return nil
	}
	return wipe(old)
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
