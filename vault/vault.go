package vault

import (
	"crypto/cipher"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors callers branch on. Each is wrapped with context; test with errors.Is.
var (
	ErrNoVault         = errors.New("no vault at this path")
	ErrExists          = errors.New("a vault already exists at this path")
	ErrBusy            = errors.New("the vault is in use by another process")
	ErrWrongPassphrase = errors.New("wrong passphrase")
	ErrLocked          = errors.New("the vault is locked")
	ErrNotVault        = errors.New("not a fieldvault vault, or damaged beyond use")
	ErrNotFound        = errors.New("not found")
	ErrReadOnly        = errors.New("the vault was opened read-only")
	ErrCannotWrite     = errors.New("the vault file cannot be written: the disk or folder is read-only, or it belongs to someone else")
	// ErrCorrupt means a stored value failed authentication: the file was
	// altered or damaged.
	ErrCorrupt = errCorrupt
)

// formatVersion is the one plaintext value in the file: it lets a future
// version refuse or migrate an older layout.
const formatVersion = "fieldvault-vault-v1"

// lockTimeout is how long Open waits for another process to let go of the
// file. bbolt would otherwise wait forever.
const lockTimeout = time.Second

var (
	bucketMeta      = []byte("meta")
	bucketSlots     = []byte("slots")
	bucketSlotNames = []byte("slotnames")
	bucketRecords   = []byte("records")
	bucketSummaries = []byte("summaries")
	bucketContacts  = []byte("contacts")
	bucketExports   = []byte("exports")
	bucketAudit     = []byte("audit")
	bucketSchemas   = []byte("schemas")
	bucketImports   = []byte("imports")
	bucketTombs     = []byte("tombstones")

	allBuckets = [][]byte{bucketMeta, bucketSlots, bucketSlotNames, bucketRecords,
		bucketSummaries, bucketContacts, bucketExports, bucketAudit, bucketSchemas,
		bucketImports, bucketTombs}

	keyFormat    = []byte("format")
	keySettings  = []byte("settings")
	keyAuditHead = []byte("audithead")
)

// Vault is an open vault file. It starts locked; Unlock makes its contents
// readable and Lock forgets the keys again. A Vault is safe for use by one
// goroutine at a time.
type Vault struct {
	db       *bolt.DB
	path     string
	readOnly bool
	// exclusive: opened read-only, but holding the file for writing, so
	// that a wrong passphrase can be counted against the failed-unlock
	// limit (no other fieldvault can then hold the file meanwhile).
	exclusive bool

	keys     *keys  // nil while locked
	linesKey []byte // LineKey's, derived when first needed
	worker   string // name on the slot that unlocked the vault
	slotID   []byte // which slot unlocked the vault
}

// keys are what Unlock derives from the vault secret.
type keys struct {
	secret  *secret
	wrap    cipher.AEAD // wraps record and draft file keys
	summary cipher.AEAD // seals record summaries
	meta    cipher.AEAD // seals settings, contacts, logs and slot names
}

func deriveKeys(s *secret) (*keys, error) {
	k := &keys{secret: s}
	var err error
	if k.wrap, err = deriveAEAD(s.master, labelRecordWrap); err != nil {
		return nil, err
	}
	if k.summary, err = deriveAEAD(s.master, labelSummary); err != nil {
		return nil, err
	}
	if k.meta, err = deriveAEAD(s.master, labelMeta); err != nil {
		return nil, err
	}
	return k, nil
}

// initialMmap reserves address space up front so that a growing vault (a
// large import) is not remapped again and again. Windows would grow the file
// itself to that size, so there bbolt's default stands.
func initialMmap() int {
	if runtime.GOOS == "windows" {
		return 0
	}
	return 256 << 20
}

// Options tune Open.
type Options struct {
	// ReadOnly takes a shared lock, so several readers can work at once, and
	// makes every write fail with ErrReadOnly.
	ReadOnly bool
}

// Open opens the vault file at path, locked. It fails with ErrNoVault if
// there is no file, ErrBusy if another process holds it, and ErrNotVault if
// the file is not a vault.
func Open(path string, opts Options) (*Vault, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w: %s", ErrNoVault, path)
	case err != nil:
		return nil, fmt.Errorf("open vault: %w", err)
	case fi.IsDir() || fi.Size() == 0:
		// bbolt would happily turn an empty file into a new database.
		return nil, fmt.Errorf("%w: %s", ErrNotVault, path)
	}
	var db *bolt.DB
	err = guard(func() (err error) {
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: opts.ReadOnly, InitialMmapSize: initialMmap()})
		return err
	})
	// A process that compacts the vault renames a new file over the path
	// while others may wait for its lock: the lock they then get is the old
	// file's, which is wiped. The vault was in use; it is not damaged.
	if now, serr := os.Stat(path); serr != nil || !os.SameFile(fi, now) {
		if db != nil {
			db.Close()
		}
		return nil, fmt.Errorf("%w: %s", ErrBusy, path)
	}
	if errors.Is(err, ErrCorrupt) {
		return nil, fmt.Errorf("%w: %s", ErrNotVault, path)
	}
	if err != nil {
		return nil, mapOpenError(path, err)
	}
	v := &Vault{db: db, path: path, readOnly: opts.ReadOnly}
	if err := v.checkFormat(); err != nil {
		db.Close()
		return nil, err
	}
	if limit, _ := v.Attempts(); opts.ReadOnly && limit > 0 {
		// Wrong passphrases must be counted, and a shared lock cannot
		// write: with a failed-unlock limit every open is exclusive.
		db.Close()
		if v, err = Open(path, Options{}); errors.Is(err, ErrCannotWrite) {
			return nil, fmt.Errorf("%w: %s: the vault erases itself after too many wrong passphrases, and the count cannot be kept where the file cannot be written", ErrCannotWrite, path)
		} else if err != nil {
			return nil, err
		}
		v.readOnly, v.exclusive = true, true
		return v, nil
	}
	if !opts.ReadOnly {
		removeLeftovers(path)
	}
	return v, nil
}

// removeLeftovers wipes and removes what a killed Create or Compact left
// beside the vault: full encrypted copies of it under a temporary name.
// Holding the vault's lock means no other fieldvault is making them.
func removeLeftovers(path string) {
	base := filepath.Base(path)
	for _, pattern := range []string{"." + base + ".compact-*", "." + base + ".new-*", "." + base + ".rekey-*"} {
		matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), pattern))
		for _, m := range matches {
			f, ok := openLeftover(m)
			if !ok {
				continue // not ours to wipe or remove
			}
			wipe(f)
			f.Close()
			os.Remove(m)
		}
	}
}

func mapOpenError(path string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("%w: %s", ErrBusy, path)
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch),
		errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrInvalidMapping):
		return fmt.Errorf("%w: %s", ErrNotVault, path)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%w: %s", ErrCannotWrite, path)
	}
	return fmt.Errorf("open vault: %w", err)
}

func (v *Vault) checkFormat() error {
	return guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil || string(meta.Get(keyFormat)) != formatVersion {
				return fmt.Errorf("%w: %s", ErrNotVault, v.path)
			}
			for _, name := range allBuckets {
				if tx.Bucket(name) == nil {
					return fmt.Errorf("%w: %s", ErrNotVault, v.path)
				}
			}
			if tx.Bucket(bucketSlots).Stats().KeyN == 0 {
				return fmt.Errorf("%w: %s has no key slots", ErrNotVault, v.path)
			}
			if !v.readOnly && !pagesFit(tx) {
				return fmt.Errorf("%w: %s: its pages claim more room than the file has", ErrCorrupt, v.path)
			}
			return nil
		})
	})
}

// pagesFit walks every page of the vault's trees and reports whether
// together they fit in the file. bbolt trusts a page's overflow count when
// a write frees the page: one flipped bit there makes it allocate
// gigabytes, and running out of memory ends the process beyond any
// recover. Reads never free pages, so a read-only open skips the walk.
//
// The walk reads page headers from the file, not through bbolt's memory
// map: walking the map touches every page of the file, and a writable
// open of a vault of 100,000 records then counts its whole 240 MiB toward
// the process's resident memory. About 20 ms at 100,000 records here.
func pagesFit(tx *bolt.Tx) bool {
	f, err := os.Open(tx.DB().Path())
	if err != nil {
		return false
	}
	defer f.Close()
	w := pageWalk{f: f, pageSize: int64(tx.DB().Info().PageSize), seen: map[uint64]bool{}}
	w.limit = tx.Size() / w.pageSize
	ok := true
	tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		if root := uint64(b.Root()); root != 0 && !w.walk(root, 0) {
			ok = false
		}
		return nil
	})
	return ok && w.pages <= w.limit
}

// pageWalk counts the pages of bbolt trees read straight from the file
// (bbolt's page format: a 16-byte header of id, flags, count, overflow;
// branch elements of pos, ksize, pgid; leaf elements of flags, pos, ksize,
// vsize, a value that is a nested bucket's root and sequence).
type pageWalk struct {
	f        *os.File
	pageSize int64
	limit    int64 // pages in the file
	pages    int64
	seen     map[uint64]bool
}

func (w *pageWalk) read(off int64, n int) ([]byte, bool) {
	buf := make([]byte, n)
	_, err := w.f.ReadAt(buf, off)
	return buf, err == nil
}

func (w *pageWalk) walk(id uint64, depth int) bool {
	if id < 2 || int64(id) >= w.limit || w.seen[id] || depth > 64 {
		return false
	}
	w.seen[id] = true
	off := int64(id) * w.pageSize
	h, ok := w.read(off, 16)
	if !ok {
		return false
	}
	flags, count, overflow := binary.LittleEndian.Uint16(h[8:]), int(binary.LittleEndian.Uint16(h[10:])), int64(binary.LittleEndian.Uint32(h[12:]))
	w.pages += 1 + overflow
	if w.pages > w.limit {
		return false
	}
	size := (1 + overflow) * w.pageSize
	switch {
	case flags&0x01 != 0: // branch
		elems, ok := w.read(off+16, count*16)
		if !ok || int64(16+count*16) > size {
			return false
		}
		for i := range count {
			if !w.walk(binary.LittleEndian.Uint64(elems[i*16+8:]), depth+1) {
				return false
			}
		}
	case flags&0x02 != 0: // leaf
		elems, ok := w.read(off+16, count*16)
		if !ok || int64(16+count*16) > size {
			return false
		}
		for i := range count {
			e := elems[i*16:]
			if binary.LittleEndian.Uint32(e)&0x01 == 0 {
				continue // a value, not a nested bucket
			}
			// A value's pos counts from its element.
			at := int64(16+i*16) + int64(binary.LittleEndian.Uint32(e[4:])) + int64(binary.LittleEndian.Uint32(e[8:]))
			if at+8 > size {
				return false
			}
			root, ok := w.read(off+at, 8)
			if !ok {
				return false
			}
			if r := binary.LittleEndian.Uint64(root); r != 0 && !w.walk(r, depth+1) {
				return false
			}
		}
	default:
		return false
	}
	return true
}

// CreateOptions describe a new vault.
type CreateOptions struct {
	Name       string // shown on the contact card
	Worker     string // who holds the first passphrase
	Lang       string // interface language
	WorkFactor int    // scrypt work factor; 0 means DefaultWorkFactor
}

// Create makes a new vault at path protected by passphrase and returns it
// unlocked. The folder is created 0700 if missing and the file 0600. The
// vault is built under a temporary name and renamed into place, so a crash
// never leaves a half-made vault where one is expected.
func Create(path string, passphrase []byte, opts CreateOptions) (*Vault, error) {
	if err := CheckPassphrase(passphrase); err != nil {
		return nil, err
	}
	wf, err := workFactor(opts.WorkFactor)
	if err != nil {
		return nil, err
	}
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrExists, path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create vault folder: %w", err)
	}
	s, err := newSecret()
	if err != nil {
		return nil, err
	}
	k, err := deriveKeys(s)
	if err != nil {
		return nil, err
	}
	slot, err := sealSlot(s, cleanWorker(opts.Worker), passphrase, wf, nil)
	if err != nil {
		return nil, err
	}

	tmp := filepath.Join(dir, "."+filepath.Base(path)+".new-"+uuid.NewString())
	slotID := newKey()
	info := Info{ID: uuid.NewString(), Name: opts.Name, Lang: opts.Lang, Created: time.Now().UTC()}
	err = build(tmp, k, slotID, slot, cleanWorker(opts.Worker), info, 0)
	if err == nil {
		err = renameNoReplace(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("create vault: %w", err)
	}
	syncDir(dir)

	v, err := Open(path, Options{})
	if err != nil {
		return nil, err
	}
	v.keys, v.worker, v.slotID = k, cleanWorker(opts.Worker), slotID
	return v, nil
}

// build writes a new vault file at tmp holding one key slot, and syncs it.
func build(tmp string, k *keys, slotID, slot []byte, worker string, info Info, wipeAfter int) error {
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: lockTimeout, PageSize: pageSize})
	if err != nil {
		return err
	}
	v := &Vault{db: db, path: tmp, keys: k, worker: worker}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range append(allBuckets, bucketDeliveries) {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyFormat, []byte(formatVersion)); err != nil {
			return err
		}
		// A new vault binds sharing consent to keys from the start.
		if err := meta.Put(keyShareByKey, []byte("1")); err != nil {
			return err
		}
		if err := meta.Put(keySlotsClean, []byte("1")); err != nil {
			return err
		}
		if wipeAfter > 0 {
			if err := meta.Put(keyWipeAfter, []byte(strconv.Itoa(wipeAfter))); err != nil {
				return err
			}
		}
		if err := v.putSlot(tx, slotID, slot, worker); err != nil {
			return err
		}
		if err := v.putMeta(tx, keySettings, info); err != nil {
			return err
		}
		return v.appendAudit(tx, "vault created", "")
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	return err
}

// renameNoReplace moves tmp to path, refusing to replace a file that appeared
// there meanwhile. A hard link is atomic and fails if path exists; where the
// file system has no hard links (FAT), a checked rename is the best we have.
func renameNoReplace(tmp, path string) error {
	if err := os.Link(tmp, path); err == nil {
		return os.Remove(tmp)
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%w: %s", ErrExists, path)
	}
	return os.Rename(tmp, path)
}

// syncDir makes a rename durable. Not every OS supports it (Windows does not),
// and a failure only weakens durability, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func workFactor(wf int) (int, error) {
	if wf == 0 {
		return DefaultWorkFactor, nil
	}
	if wf < MinWorkFactor || wf > MaxWorkFactor {
		return 0, fmt.Errorf("the key derivation work factor must be between %d and %d", MinWorkFactor, MaxWorkFactor)
	}
	return wf, nil
}

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.path }

// Close locks the vault and releases the file.
func (v *Vault) Close() error {
	v.Lock()
	return v.db.Close()
}

// Unlocked reports whether the vault's keys are in memory.
func (v *Vault) Unlocked() bool { return v.keys != nil }

// Unlock tries passphrase against the key slots, in a random order, so that
// how long it takes does not tell which slot opened. It costs one scrypt per
// slot tried and fails with ErrWrongPassphrase if none opens; under a
// failed-unlock limit (SetWipeAfter) with an *AttemptsError, or, at the
// limit, erases the vault and fails with ErrErased. A duress passphrase
// (AddDuressPassphrase) erases the vault and leaves v open and unlocked on
// the empty vault put in its place.
func (v *Vault) Unlock(passphrase []byte) error {
	type slot struct{ id, data []byte }
	var slots []slot
	err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSlots).ForEach(func(k, val []byte) error {
				slots = append(slots, slot{append([]byte(nil), k...), append([]byte(nil), val...)})
				return nil
			})
		})
	})
	if err != nil {
		return err
	}
	mrand.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	var damaged error
	for _, sl := range slots {
		s, worker, legacy, dc, err := openSlotDecoy(sl.data, passphrase)
		if errors.Is(err, errSlotMismatch) {
			continue
		} else if err != nil {
			damaged = err
			continue
		}
		if dc != nil {
			return v.becomeDecoy(s, dc)
		}
		k, err := deriveKeys(s)
		if err != nil {
			return err
		}
		v.keys, v.worker, v.slotID = k, worker, sl.id
		if err := v.goodUnlock(); err != nil {
			v.Lock()
			return fmt.Errorf("reset the count of failed unlocks: %w", err)
		}
		if legacy && !v.readOnly {
			// Rewrite it as a slot whose secret can be replaced without
			// this passphrase, at the same work factor: one more scrypt,
			// once.
			if err := v.upgradeSlot(sl.id, sl.data, passphrase); err != nil {
				v.Lock()
				return fmt.Errorf("update the key slot: %w", err)
			}
		}
		if err := v.migrateShare(); err != nil {
			v.Lock()
			return fmt.Errorf("bind sharing consent to partner keys: %w", err)
		}
		return nil
	}
	if damaged != nil && len(slots) == 1 {
		return fmt.Errorf("%w: %v", ErrNotVault, damaged)
	}
	return v.failedUnlock()
}

// Lock forgets the vault's keys. Go cannot promise the memory is wiped (the
// garbage collector may have copied it), but the key bytes we hold are.
func (v *Vault) Lock() {
	if v.keys == nil {
		return
	}
	clear(v.keys.secret.master)
	clear(v.keys.secret.signing)
	clear(v.linesKey)
	v.keys, v.linesKey = nil, nil
	v.worker = ""
	v.slotID = nil
}

// Worker returns the name on the key slot that unlocked the vault.
func (v *Vault) Worker() string { return v.worker }

// Info is the vault's own description, kept sealed.
type Info struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Lang    string    `json:"lang,omitempty"`
	Created time.Time `json:"created"`
}

// Info returns the vault's settings.
func (v *Vault) Info() (Info, error) {
	var info Info
	err := v.view(func(tx *bolt.Tx) error { return v.getMeta(tx, keySettings, &info) })
	return info, err
}

// SetInfo replaces the vault's settings; the ID and creation time are kept.
func (v *Vault) SetInfo(info Info) error {
	return v.updateSlots(func(tx *bolt.Tx) error {
		var old Info
		if err := v.getMeta(tx, keySettings, &old); err != nil {
			return err
		}
		info.ID, info.Created = old.ID, old.Created
		if err := v.putMeta(tx, keySettings, info); err != nil {
			return err
		}
		if err := v.refreshDecoys(tx); err != nil {
			return err
		}
		return v.appendAudit(tx, "settings changed", "")
	})
}

// Recipient returns the vault's public age recipient (age1pq1…), which
// partners encrypt bundles and receipts to.
func (v *Vault) Recipient() (string, error) {
	if v.keys == nil {
		return "", ErrLocked
	}
	return v.keys.secret.identity.Recipient().String(), nil
}

// Identity returns the age identity that opens what partners send.
func (v *Vault) Identity() (age.Identity, error) {
	if v.keys == nil {
		return nil, ErrLocked
	}
	return v.keys.secret.identity, nil
}

// SigningKey returns the vault's ed25519 public key.
func (v *Vault) SigningKey() (ed25519.PublicKey, error) {
	if v.keys == nil {
		return nil, ErrLocked
	}
	return v.keys.secret.signing.Public().(ed25519.PublicKey), nil
}

// Sign signs msg with the vault's ed25519 key.
func (v *Vault) Sign(msg []byte) ([]byte, error) {
	if v.keys == nil {
		return nil, ErrLocked
	}
	return ed25519.Sign(v.keys.secret.signing, msg), nil
}

// view runs fn in a read transaction of an unlocked vault.
func (v *Vault) view(fn func(*bolt.Tx) error) error {
	if v.keys == nil {
		return ErrLocked
	}
	return guard(func() error { return v.db.View(fn) })
}

// update runs fn in a durable write transaction of an unlocked vault.
func (v *Vault) update(fn func(*bolt.Tx) error) error {
	if v.keys == nil {
		return ErrLocked
	}
	if v.readOnly {
		return ErrReadOnly
	}
	return guard(func() error { return v.db.Update(fn) })
}

// putMeta seals a JSON value in the meta bucket.
func (v *Vault) putMeta(tx *bolt.Tx, key []byte, val any) error {
	return putSealed(tx, bucketMeta, v.keys.meta, key, val)
}

func (v *Vault) getMeta(tx *bolt.Tx, key []byte, val any) error {
	return getSealed(tx, bucketMeta, v.keys.meta, key, val)
}

// putSealed stores val as JSON sealed under aead, with the bucket name and
// key as associated data so that a value cannot be moved elsewhere unnoticed.
func putSealed(tx *bolt.Tx, bucket []byte, aead cipher.AEAD, key []byte, val any) error {
	pt, err := json.Marshal(val)
	if err != nil {
		return err
	}
	defer clear(pt)
	return tx.Bucket(bucket).Put(key, seal(aead, pt, adFor(bucket, key)))
}

func getSealed(tx *bolt.Tx, bucket []byte, aead cipher.AEAD, key []byte, val any) error {
	sealed := tx.Bucket(bucket).Get(key)
	if sealed == nil {
		return ErrNotFound
	}
	return openSealed(aead, bucket, key, sealed, val)
}

func openSealed(aead cipher.AEAD, bucket, key, sealed []byte, val any) error {
	pt, err := open(aead, sealed, adFor(bucket, key))
	if err != nil {
		return err
	}
	defer clear(pt)
	if err := json.Unmarshal(pt, val); err != nil {
		return ErrCorrupt
	}
	return nil
}

// allSealed opens every value of a bucket sealed under the meta key, for
// the small logs and lists (contacts, exports, imports, withdrawals, audit).
// what names them in an error.
func allSealed[T any](v *Vault, tx *bolt.Tx, bucket []byte, what string) ([]T, error) {
	var out []T
	err := tx.Bucket(bucket).ForEach(func(k, val []byte) error {
		var e T
		if err := openSealed(v.keys.meta, bucket, k, val, &e); err != nil {
			return fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// adFor is the associated data that binds a value to where it is stored.
func adFor(bucket, key []byte) []byte {
	ad := make([]byte, 0, len(bucket)+1+len(key))
	ad = append(ad, bucket...)
	ad = append(ad, 0)
	return append(ad, key...)
}

// newKey returns a random UUID as a 16-byte bbolt key.
func newKey() []byte {
	id := uuid.New()
	return id[:]
}

// Copy writes a consistent copy of the vault file to w, for backups. The copy
// is as encrypted as the vault.
func (v *Vault) Copy(w io.Writer) error {
	return guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error {
			_, err := tx.WriteTo(w)
			return err
		})
	})
}

// pageSize is the bbolt page size of new vault files (and of compacted
// copies). Records are about a kilobyte once encrypted; 16 KiB pages hold a
// dozen, so an import of thousands writes a quarter of the pages, each a
// system call, that 4 KiB pages would need.
const pageSize = 16 << 10

// NotFoundError says what the vault does not hold: Kind is "record",
// "contact", "questionnaire" or "passphrase", Name what was asked for. It is
// ErrNotFound.
type NotFoundError struct {
	Kind string
	Name string
}

func (e *NotFoundError) Error() string        { return fmt.Sprintf("%s %q: not found", e.Kind, e.Name) }
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
