package sync

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"time"
)

// writeAtomic creates a new file in dir through fill, under a temporary
// name; once it is synced it is renamed to a fresh FAT-safe name, then read
// back and compared. A full, removed or read-only disk leaves no file under
// a final name. It returns the final path.
func writeAtomic(dir, kind string, fill func(w io.Writer) error) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("cannot use %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("%s is not a folder", dir)
	}
	removeStale(dir)
	tmp, err := os.CreateTemp(dir, ".fv-*.tmp")
	if err != nil {
		return "", fmt.Errorf("cannot write to %s: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// The read-back check is against a failing disk, not an attacker (age
	// authenticates every byte for the reader): a seeded 64-bit hash, ten
	// times faster than SHA-256, finds a changed byte as surely.
	seed := maphash.MakeSeed()
	var h maphash.Hash
	h.SetSeed(seed)
	if err := fill(io.MultiWriter(tmp, &h)); err != nil {
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("write to %s: %w", dir, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write to %s: %w", dir, err)
	}
	final := filepath.Join(dir, fileName(kind))
	if _, err := os.Lstat(final); err == nil {
		return "", errors.New("a file with the new name already exists; try again")
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", fmt.Errorf("write to %s: %w", dir, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	if err := sameHash(final, seed, h.Sum64()); err != nil {
		os.Remove(final)
		return "", err
	}
	return final, nil
}

// sameHash reads a written file back and checks it holds what was written:
// cheap USB sticks fail silently.
func sameHash(path string, seed maphash.Seed, want uint64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read back %s: %w", path, err)
	}
	defer f.Close()
	var h maphash.Hash
	h.SetSeed(seed)
	if _, err := io.Copy(&h, f); err != nil {
		return fmt.Errorf("read back %s: %w", path, err)
	}
	if h.Sum64() != want {
		return fmt.Errorf("%s does not read back as written: the disk may be failing", path)
	}
	return nil
}

// staleAfter is how old a temporary bundle must be before it is taken for
// the leftover of a killed export rather than one being written now.
const staleAfter = 10 * time.Minute

// removeStale deletes what killed exports left in dir: partial bundles
// under a temporary name. They are encrypted, but they fill USB sticks.
func removeStale(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".fv-*.tmp"))
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && time.Since(fi.ModTime()) > staleAfter {
			os.Remove(m)
		}
	}
}
