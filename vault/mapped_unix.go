//go:build linux || darwin || freebsd || netbsd || openbsd

package vault

import (
	"unsafe"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// dropMapped lets go of the pages of the vault file this process has
// touched through bbolt's memory map. They stay in the page cache and
// come back on the next read; only the process's resident size shrinks.
// A bulk intake calls it between batches: a random-keyed bucket touches
// pages all over the file, which would otherwise count toward its memory.
func (v *Vault) dropMapped() {
	v.db.View(func(tx *bolt.Tx) error {
		v.dropMappedIn(tx)
		return nil
	})
}

// dropMappedIn is dropMapped inside a transaction the caller holds: a
// reader of every record (a case table) calls it as it goes, and the pages
// it still reads come back from the page cache.
func (v *Vault) dropMappedIn(tx *bolt.Tx) {
	// A value is a slice of the map: step back from it to the start.
	val := tx.Bucket(bucketMeta).Get(keyFormat)
	if len(val) == 0 {
		return
	}
	at := unsafe.Pointer(&val[0])
	start := unsafe.Add(at, -int(uintptr(at)-v.db.Info().Data))
	unix.Madvise(unsafe.Slice((*byte)(start), tx.Size()), unix.MADV_DONTNEED)
}
