package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AuditEntry is one line of the audit log: who did what, when, to which
// record. Entries are sealed and hash-chained: each names the hash of the one
// before it, and the vault keeps the hash of the newest, so removing,
// altering, reordering or appending an entry breaks the chain.
type AuditEntry struct {
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	Worker  string    `json:"worker"`
	Action  string    `json:"action"`
	Subject string    `json:"subject,omitempty"` // a record ID, if any
	Prev    string    `json:"prev"`              // hash of the entry before; empty for the first
}

// auditHead is the sealed pointer to the newest entry.
type auditHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// ChainError reports the first broken link of the audit chain. Key names
// the reason (ChainReasons) so that a user interface can say it in its own
// language, with Args; Reason is English.
type ChainError struct {
	Seq    int64 // the first entry that does not check out
	Key    string
	Args   []any
	Reason string
}

func (e *ChainError) Error() string {
	return fmt.Sprintf("audit log broken at entry %d: %s", e.Seq, e.Reason)
}

// ChainReasons are the reasons a chain does not check out, in English, by
// key.
var ChainReasons = map[string]string{
	"head_missing":    "the pointer to the newest entry is missing",
	"head_altered":    "the pointer to the newest entry was altered",
	"twice":           "the entry appears twice",
	"missing":         "the entry is missing or was altered",
	"not_following":   "it does not follow entry %d: an entry was altered or replaced",
	"newest_replaced": "the newest entry was replaced",
	"added_outside":   "%d entries were added outside the chain",
	"head_bad":        "the pointer to the newest entry is missing or was altered",
	"cut_off":         "the log ends at entry %d, but a partner confirmed it had reached entry %d: its newest entries were cut off",
	"rewritten":       "it is not the entry a partner confirmed: the log was rewritten from there",
}

// broken is the chain error at entry seq for the reason key.
func broken(seq int64, key string, args ...any) *ChainError {
	return &ChainError{Seq: seq, Key: key, Args: args, Reason: fmt.Sprintf(ChainReasons[key], args...)}
}

// entryHash is what the next entry links to: the entry's key and its sealed
// bytes, exactly as stored.
func entryHash(key, stored []byte) string {
	h := sha256.New()
	h.Write(key)
	h.Write(stored)
	return hex.EncodeToString(h.Sum(nil))
}

// appendAudit adds an entry inside the caller's transaction, so an action and
// its audit entry are stored together or not at all.
func (v *Vault) appendAudit(tx *bolt.Tx, action, subject string) error {
	var head auditHead
	if err := v.getMeta(tx, keyAuditHead, &head); err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("read audit head: %w", err)
	}
	e := AuditEntry{
		Seq:     head.Seq + 1,
		Time:    time.Now().UTC(),
		Worker:  v.worker,
		Action:  action,
		Subject: subject,
		Prev:    head.Hash,
	}
	key := newKey()
	if err := putSealed(tx, bucketAudit, v.keys.meta, key, e); err != nil {
		return err
	}
	stored := tx.Bucket(bucketAudit).Get(key)
	return v.putMeta(tx, keyAuditHead, auditHead{Seq: e.Seq, Hash: entryHash(key, stored)})
}

// AuditLog returns every entry, oldest first, without checking the chain.
func (v *Vault) AuditLog() ([]AuditEntry, error) {
	var out []AuditEntry
	err := v.view(func(tx *bolt.Tx) (err error) {
		out, err = allSealed[AuditEntry](v, tx, bucketAudit, "audit log")
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, err
}

// VerifyAudit checks the whole chain and returns how many entries it holds.
// A broken chain is reported as a *ChainError naming the first bad entry.
func (v *Vault) VerifyAudit() (int64, error) {
	var n int64
	err := v.view(func(tx *bolt.Tx) error {
		var head auditHead
		if err := v.getMeta(tx, keyAuditHead, &head); err != nil {
			if errors.Is(err, ErrNotFound) {
				return broken(1, "head_missing")
			}
			return broken(1, "head_altered")
		}
		type link struct {
			e    AuditEntry
			hash string
		}
		bySeq := make(map[int64]link, head.Seq)
		unreadable := 0
		err := tx.Bucket(bucketAudit).ForEach(func(k, val []byte) error {
			var e AuditEntry
			if err := openSealed(v.keys.meta, bucketAudit, k, val, &e); err != nil {
				unreadable++
				return nil
			}
			if _, dup := bySeq[e.Seq]; dup {
				return broken(e.Seq, "twice")
			}
			bySeq[e.Seq] = link{e, entryHash(k, val)}
			return nil
		})
		if err != nil {
			return err
		}
		prev := ""
		for seq := int64(1); seq <= head.Seq; seq++ {
			l, ok := bySeq[seq]
			if !ok {
				return broken(seq, "missing")
			}
			if l.e.Prev != prev {
				return broken(seq, "not_following", seq-1)
			}
			prev = l.hash
		}
		if prev != head.Hash {
			return broken(head.Seq, "newest_replaced")
		}
		if extra := len(bySeq) + unreadable - int(head.Seq); extra > 0 {
			return broken(head.Seq+1, "added_outside", extra)
		}
		n = head.Seq
		return nil
	})
	return n, err
}

// AuditAnchor is the audit log's newest entry at one moment: its number and
// hash. Every bundle carries the sender's anchor, signed, and the partner's
// receipt sends it back, so a tail cut off the log (entries removed and an
// older head put back, which the chain alone cannot show) is caught
// against what partners hold.
type AuditAnchor struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Anchor returns the audit log's newest entry.
func (v *Vault) Anchor() (AuditAnchor, error) {
	var head auditHead
	err := v.view(func(tx *bolt.Tx) error { return v.getMeta(tx, keyAuditHead, &head) })
	return AuditAnchor(head), err
}

// CheckAnchor checks the audit log against an anchor a partner confirmed:
// the log must still reach that entry, and the entry must be the one
// anchored, unless the master key was changed since (which re-links the
// chain, so only the number can be checked).
func (v *Vault) CheckAnchor(a AuditAnchor) error {
	return v.view(func(tx *bolt.Tx) error {
		var head auditHead
		if err := v.getMeta(tx, keyAuditHead, &head); err != nil {
			return broken(1, "head_bad")
		}
		if head.Seq < a.Seq {
			return broken(head.Seq+1, "cut_off", head.Seq, a.Seq)
		}
		relinked := false
		var hash string
		err := tx.Bucket(bucketAudit).ForEach(func(k, val []byte) error {
			var e AuditEntry
			if err := openSealed(v.keys.meta, bucketAudit, k, val, &e); err != nil {
				return nil // VerifyAudit reports it
			}
			if e.Seq == a.Seq {
				hash = entryHash(k, val)
			}
			if e.Seq > a.Seq && strings.Contains(e.Action, masterKeyChanged) {
				relinked = true
			}
			return nil
		})
		if err != nil || relinked {
			return err
		}
		if hash != a.Hash {
			return broken(a.Seq, "rewritten")
		}
		return nil
	})
}

// masterKeyChanged ends the audit entry of a rekey, which re-links the chain.
const masterKeyChanged = "; master key changed"
