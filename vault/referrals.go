package vault

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// bucketReferrals holds referral threads, sealed, one per referral under
// its ID. The vault does not read them: package sync/referral gives them
// their meaning. Old vaults lack the bucket until their first referral.
var bucketReferrals = []byte("referrals")

// keyDirectory holds the service directory, sealed in the meta bucket;
// keyPartnerDirs the directories partners sent, by contact ID; and
// keyDirSent the hash of the directory each contact was last sent.
var (
	keyDirectory   = []byte("directory")
	keyPartnerDirs = []byte("partner-directories")
	keyDirSent     = []byte("directory-sent")
)

// StoredReferral is a referral thread as the vault keeps it, with what the
// vault needs to choose without reading it: the record it is about and the
// contact on its other side.
type StoredReferral struct {
	ID      string          `json:"id"`
	Record  string          `json:"record"`
	Contact string          `json:"contact"` // the other vault's contact ID
	Thread  json.RawMessage `json:"thread"`
	// Unsent is set when the thread changed since it last went to Contact;
	// WentOut once any of it went there.
	Unsent  bool `json:"unsent,omitempty"`
	WentOut bool `json:"went_out,omitempty"`
	// Withdrawn is set when the person withdrew consent: the thread goes
	// once more, to carry its revocation, and is then deleted.
	Withdrawn bool `json:"withdrawn,omitempty"`
}

// PutReferrals stores referral threads and writes one audit entry for
// each action given (an action may be "").
func (v *Vault) PutReferrals(rs []StoredReferral, actions []string) error {
	return v.update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketReferrals); err != nil {
			return err
		}
		for _, r := range rs {
			if _, err := uuid.Parse(r.ID); err != nil {
				return fmt.Errorf("referral ID %q: %w", r.ID, err)
			}
			if err := putSealed(tx, bucketReferrals, v.keys.meta, recordKey(r.ID), r); err != nil {
				return err
			}
		}
		for _, a := range actions {
			if a == "" {
				continue
			}
			if err := v.appendAudit(tx, a, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteReferrals deletes referral threads, logging the action.
func (v *Vault) DeleteReferrals(ids []string, action string) error {
	return v.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReferrals)
		if b == nil {
			return nil
		}
		for _, id := range ids {
			if _, err := uuid.Parse(id); err != nil {
				continue
			}
			if err := b.Delete(recordKey(id)); err != nil {
				return err
			}
		}
		if action == "" {
			return nil
		}
		return v.appendAudit(tx, action, "")
	})
}

// Referrals returns every referral thread the vault holds.
func (v *Vault) Referrals() ([]StoredReferral, error) {
	var out []StoredReferral
	err := v.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketReferrals) == nil {
			return nil
		}
		var err error
		out, err = allSealed[StoredReferral](v, tx, bucketReferrals, "referrals")
		return err
	})
	return out, err
}

// Referral returns the referral with the given ID.
func (v *Vault) Referral(id string) (*StoredReferral, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, &NotFoundError{Kind: "referral", Name: id}
	}
	var r StoredReferral
	err := v.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketReferrals) == nil {
			return ErrNotFound
		}
		return getSealed(tx, bucketReferrals, v.keys.meta, recordKey(id), &r)
	})
	if errors.Is(err, ErrNotFound) {
		return nil, &NotFoundError{Kind: "referral", Name: id}
	}
	return &r, err
}

// SetDirectory replaces the service directory with data (package
// intake/services reads it), logging the action.
func (v *Vault) SetDirectory(data []byte, action string) error {
	return v.update(func(tx *bolt.Tx) error {
		if err := v.putMeta(tx, keyDirectory, json.RawMessage(data)); err != nil {
			return err
		}
		return v.appendAudit(tx, action, "")
	})
}

// Directory returns the stored service directory, or nil if there is none.
func (v *Vault) Directory() ([]byte, error) {
	var data json.RawMessage
	err := v.view(func(tx *bolt.Tx) error { return v.getMeta(tx, keyDirectory, &data) })
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return data, err
}

// PartnerDirectories returns the service directories partners sent, by
// contact ID.
func (v *Vault) PartnerDirectories() (map[string]json.RawMessage, error) {
	dirs := map[string]json.RawMessage{}
	err := v.view(func(tx *bolt.Tx) error { return v.getMeta(tx, keyPartnerDirs, &dirs) })
	if errors.Is(err, ErrNotFound) {
		return dirs, nil
	}
	return dirs, err
}

// SetPartnerDirectory keeps the directory a contact sent, in place of the
// one it sent before.
func (v *Vault) SetPartnerDirectory(contactID string, data []byte, action string) error {
	return v.update(func(tx *bolt.Tx) error {
		dirs := map[string]json.RawMessage{}
		if err := v.getMeta(tx, keyPartnerDirs, &dirs); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		dirs[contactID] = data
		if err := v.putMeta(tx, keyPartnerDirs, dirs); err != nil {
			return err
		}
		return v.appendAudit(tx, action, "")
	})
}

// DirectorySent returns the hash of the directory last sent to a contact.
func (v *Vault) DirectorySent(contactID string) (string, error) {
	sent := map[string]string{}
	err := v.view(func(tx *bolt.Tx) error { return v.getMeta(tx, keyDirSent, &sent) })
	if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	return sent[contactID], nil
}

// MarkDirectorySent records that a contact was sent the directory with
// the given hash.
func (v *Vault) MarkDirectorySent(contactID, hash string) error {
	return v.update(func(tx *bolt.Tx) error {
		sent := map[string]string{}
		if err := v.getMeta(tx, keyDirSent, &sent); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		sent[contactID] = hash
		return v.putMeta(tx, keyDirSent, sent)
	})
}

// keyCases holds every case status known, signed by the vault that set
// it; keyCasesSent what each contact was last sent of them.
var (
	keyCases     = []byte("case-status")
	keyCasesSent = []byte("case-status-sent")
)

// CaseStatuses returns the stored case statuses (package sync reads them).
func (v *Vault) CaseStatuses() ([]byte, []byte, error) {
	var cases, sent json.RawMessage
	err := v.view(func(tx *bolt.Tx) error {
		if err := v.getMeta(tx, keyCases, &cases); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := v.getMeta(tx, keyCasesSent, &sent); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	return cases, sent, err
}

// SetCaseStatuses replaces the stored case statuses and what was sent of
// them (nil leaves one as it is), logging action unless it is "".
func (v *Vault) SetCaseStatuses(cases, sent []byte, action string) error {
	return v.update(func(tx *bolt.Tx) error {
		if cases != nil {
			if err := v.putMeta(tx, keyCases, json.RawMessage(cases)); err != nil {
				return err
			}
		}
		if sent != nil {
			if err := v.putMeta(tx, keyCasesSent, json.RawMessage(sent)); err != nil {
				return err
			}
		}
		if action == "" {
			return nil
		}
		return v.appendAudit(tx, action, "")
	})
}
