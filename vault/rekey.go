package vault

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// Rekeyed says what a change of master key did.
type Rekeyed struct {
	Records     int // records and drafts encrypted again
	Values      int // other sealed values (summaries, contacts, logs …) sealed again
	Passphrases int // key slots given the new key
	// NotRotated names the workers whose passphrases, made by an older
	// fieldvault, kept the master key from changing; empty when it did.
	NotRotated []string
}

// rekeyTxBytes bounds what one transaction of the new file holds.
const rekeyTxBytes = 4 << 20

// rekey rewrites the vault into a new file under a new master key and
// replaces the old file with it, as Compact does: every record and draft is
// encrypted again, every summary, contact, log entry and setting sealed
// again, and every key slot given the new secret (the vault's age identity
// and signing key stay: partners know them). slots decides each slot's
// fate: its new value, or nil to drop it. audit is the entry that records
// why. A crash before the rename leaves the old vault as it was; after it,
// the new one. Old copies of the file, with any passphrase they hold, open
// nothing written from then on.
func (v *Vault) rekey(slots func(id, slot []byte, s *secret) ([]byte, error), audit string) (Rekeyed, error) {
	var res Rekeyed
	if v.keys == nil {
		return res, ErrLocked
	}
	if v.readOnly {
		return res, ErrReadOnly
	}
	// Rewriting the audit log re-links its chain: a chain broken before
	// must be seen, not laundered.
	if _, err := v.VerifyAudit(); err != nil {
		return res, fmt.Errorf("the master key was not changed: %w", err)
	}
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		return res, err
	}
	old := v.keys
	ns := &secret{master: master, identity: old.secret.identity, signing: old.secret.signing}
	nk, err := deriveKeys(ns)
	if err != nil {
		return res, err
	}
	nv := &Vault{keys: nk, worker: v.worker}

	dir := filepath.Dir(v.path)
	tmp := filepath.Join(dir, "."+filepath.Base(v.path)+".rekey-"+uuid.NewString())
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: lockTimeout, PageSize: pageSize})
	if err != nil {
		return res, fmt.Errorf("change the master key: %w", err)
	}
	nv.db = dst
	fail := func(err error) (Rekeyed, error) {
		dst.Close()
		os.Remove(tmp)
		return Rekeyed{}, fmt.Errorf("change the master key: %w", err)
	}
	if err := guard(func() error {
		return v.db.View(func(tx *bolt.Tx) error { return rewrite(tx, dst, old, nk, ns, slots, &res) })
	}); err != nil {
		return fail(err)
	}
	err = guard(func() error {
		return dst.Update(func(tx *bolt.Tx) error { return nv.appendAudit(tx, audit, "") })
	})
	if err != nil {
		return fail(err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return Rekeyed{}, fmt.Errorf("change the master key: %w", err)
	}
	if err := v.replaceWith(tmp); err != nil {
		return Rekeyed{}, err
	}
	// The old keys open nothing in the new file; forget them.
	clear(old.secret.master)
	v.keys = nk
	return res, nil
}

// rewrite copies every bucket of tx into dst, opening each sealed value
// with the old keys and sealing it with the new, committing every
// rekeyTxBytes so that memory stays flat.
func rewrite(tx *bolt.Tx, dst *bolt.DB, old, nk *keys, ns *secret, slots func(id, slot []byte, s *secret) ([]byte, error), res *Rekeyed) error {
	wtx, err := dst.Begin(true)
	if err != nil {
		return err
	}
	defer func() { wtx.Rollback() }()
	size := 0
	put := func(bucket, k, val []byte) error {
		b, err := wtx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return err
		}
		if err := b.Put(bytes.Clone(k), val); err != nil {
			return err
		}
		if size += len(k) + len(val); size >= rekeyTxBytes {
			if err := wtx.Commit(); err != nil {
				return err
			}
			if wtx, err = dst.Begin(true); err != nil {
				return err
			}
			size = 0
		}
		return nil
	}
	// Every bucket exists in the new file, even if empty.
	for _, name := range append(allBuckets, bucketDeliveries, bucketLines) {
		if _, err := wtx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	// reseal opens a value sealed with aead under the old keys and seals
	// it under the new.
	reseal := func(bucket []byte, o, n func(*keys) cipher.AEAD) func(k, val []byte) error {
		return func(k, val []byte) error {
			pt, err := open(o(old), val, adFor(bucket, k))
			if err != nil {
				return fmt.Errorf("%s: %w", bucket, err)
			}
			defer clear(pt)
			res.Values++
			return put(bucket, k, seal(n(nk), pt, adFor(bucket, k)))
		}
	}
	meta := func(k *keys) cipher.AEAD { return k.meta }
	summary := func(k *keys) cipher.AEAD { return k.summary }
	each := func(bucket []byte, fn func(k, val []byte) error) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(fn)
	}
	kept := map[string]bool{} // the slots that stay
	err = each(bucketSlots, func(k, val []byte) error {
		slot, err := slots(k, val, ns)
		if err != nil || slot == nil {
			return err
		}
		kept[string(k)] = true
		res.Passphrases++
		return put(bucketSlots, k, slot)
	})
	if err != nil {
		return err
	}
	if res.Passphrases == 0 {
		return ErrLastSlot
	}
	err = each(bucketSlotNames, func(k, val []byte) error {
		if !kept[string(k)] {
			return nil // a removed worker's name goes too
		}
		return reseal(bucketSlotNames, meta, meta)(k, val)
	})
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketContacts, bucketExports, bucketSchemas, bucketImports, bucketTombs, bucketDeliveries, bucketReferrals} {
		if err := each(name, reseal(name, meta, meta)); err != nil {
			return err
		}
	}
	// Line keys are keyed hashes under a key the rekey keeps: as they are.
	err = each(bucketLines, func(k, val []byte) error { return put(bucketLines, bytes.Clone(k), bytes.Clone(val)) })
	if err != nil {
		return err
	}
	if err := each(bucketSummaries, reseal(bucketSummaries, summary, summary)); err != nil {
		return err
	}
	err = each(bucketRecords, func(k, val []byte) error {
		ad := adFor(bucketRecords, k)
		pt, err := decryptBlob(old.wrap, ad, val)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		defer clear(pt)
		blob, err := encryptBlob(nk.wrap, ad, pt)
		if err != nil {
			return err
		}
		res.Records++
		return put(bucketRecords, k, blob)
	})
	if err != nil {
		return err
	}
	// A new file has no free page, so none holds an old key slot.
	if err := put(bucketMeta, keySlotsClean, []byte("1")); err != nil {
		return err
	}
	err = each(bucketMeta, func(k, val []byte) error {
		switch {
		case bytes.Equal(k, keyFormat), bytes.Equal(k, keyShareByKey),
			bytes.Equal(k, keyWipeAfter), bytes.Equal(k, keyFailures):
			return put(bucketMeta, k, bytes.Clone(val)) // kept in the clear
		case bytes.Equal(k, keyAuditHead), bytes.Equal(k, keySlotsClean):
			return nil // written below
		}
		return reseal(bucketMeta, meta, meta)(k, val)
	})
	if err != nil {
		return err
	}
	// The audit log, re-linked in order: each entry's hash covers its
	// sealed bytes, which change.
	type entry struct {
		k []byte
		e AuditEntry
	}
	var log []entry
	err = each(bucketAudit, func(k, val []byte) error {
		var e AuditEntry
		if err := openSealed(old.meta, bucketAudit, k, val, &e); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		log = append(log, entry{bytes.Clone(k), e})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(log, func(i, j int) bool { return log[i].e.Seq < log[j].e.Seq })
	prev := ""
	for _, l := range log {
		l.e.Prev = prev
		sealed, err := sealJSON(nk.meta, bucketAudit, l.k, l.e)
		if err != nil {
			return err
		}
		if err := put(bucketAudit, l.k, sealed); err != nil {
			return err
		}
		prev = entryHash(l.k, sealed)
		res.Values++
	}
	if len(log) > 0 {
		head, err := sealJSON(nk.meta, bucketMeta, keyAuditHead, auditHead{Seq: log[len(log)-1].e.Seq, Hash: prev})
		if err != nil {
			return err
		}
		if err := put(bucketMeta, keyAuditHead, head); err != nil {
			return err
		}
	}
	return wtx.Commit()
}

// replaceWith renames a finished new vault file over the vault's own,
// reopens it and wipes the old one, as Compact does.
func (v *Vault) replaceWith(tmp string) error {
	dir := filepath.Dir(v.path)
	old, err := os.OpenFile(v.path, os.O_RDWR, 0)
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace the vault file: %w", err)
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
		return fmt.Errorf("replace the vault file: %w", err)
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

// sealJSON seals a JSON value for its place in the file.
func sealJSON(aead cipher.AEAD, bucket, key []byte, val any) ([]byte, error) {
	pt, err := json.Marshal(val)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	return seal(aead, pt, adFor(bucket, key)), nil
}
