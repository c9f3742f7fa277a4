package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// ErrDuplicate is returned when a contact's name or key is already known.
var ErrDuplicate = errors.New("already known")

// Contact is a partner organization (or another field laptop) this vault
// exchanges bundles with. Names are sensitive too, so contacts are sealed.
type Contact struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Recipient  string    `json:"recipient"`   // age recipient bundles are encrypted to
	SigningKey []byte    `json:"signing_key"` // ed25519 public key that signs what they send
	Added      time.Time `json:"added"`
}

// AddContact stores c, refusing a name (case-insensitive) or signing key that
// another contact already has. It fills in ID and Added.
func (v *Vault) AddContact(c *Contact) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return errors.New("a contact needs a name")
	}
	return v.update(func(tx *bolt.Tx) error {
		existing, err := v.contacts(tx)
		if err != nil {
			return err
		}
		for _, o := range existing {
			if strings.EqualFold(o.Name, c.Name) {
				return fmt.Errorf("contact %q: %w", c.Name, ErrDuplicate)
			}
			if bytes.Equal(o.SigningKey, c.SigningKey) {
				return fmt.Errorf("this key belongs to contact %q: %w", o.Name, ErrDuplicate)
			}
		}
		c.ID = uuid.NewString()
		c.Added = time.Now().UTC()
		key := recordKey(c.ID)
		if err := putSealed(tx, bucketContacts, v.keys.meta, key, c); err != nil {
			return err
		}
		return v.appendAudit(tx, "contact added: "+c.Name, "")
	})
}

// Contacts returns every contact, sorted by name.
func (v *Vault) Contacts() ([]Contact, error) {
	var out []Contact
	err := v.view(func(tx *bolt.Tx) error {
		var err error
		out, err = v.contacts(tx)
		return err
	})
	return out, err
}

func (v *Vault) contacts(tx *bolt.Tx) ([]Contact, error) {
	out, err := allSealed[Contact](v, tx, bucketContacts, "contacts")
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// Contact returns the contact with the given name (case-insensitive).
func (v *Vault) Contact(name string) (*Contact, error) {
	all, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return &c, nil
		}
	}
	return nil, &NotFoundError{Kind: "contact", Name: name}
}

// RemoveContact deletes the contact with the given name.
func (v *Vault) RemoveContact(name string) error {
	c, err := v.Contact(name)
	if err != nil {
		return err
	}
	return v.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketContacts).Delete(recordKey(c.ID)); err != nil {
			return err
		}
		return v.appendAudit(tx, "contact removed: "+c.Name, "")
	})
}

// RecordVersion names one version of one record.
type RecordVersion struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// Export is one bundle this vault wrote: to whom, which sequence number, and
// which record versions it carried. Package sync uses the log to send only
// what a contact has not received.
type Export struct {
	ID      string    `json:"id"`
	Contact string    `json:"contact"` // contact ID
	Bundle  string    `json:"bundle"`  // bundle ID
	Seq     int64     `json:"seq"`
	Time    time.Time `json:"time"`
	// Withdrawals are the withdrawal notices the bundle carried.
	Withdrawals []string `json:"withdrawals,omitempty"`
	// Records is last, so that ExportHeads can stop before it.
	Records []RecordVersion `json:"records"`
}

// LogExport records that a bundle was written. It fills in ID and Time.
func (v *Vault) LogExport(e *Export) error {
	return v.update(func(tx *bolt.Tx) error {
		e.ID = uuid.NewString()
		e.Time = time.Now().UTC()
		if err := putSealed(tx, bucketExports, v.keys.meta, recordKey(e.ID), e); err != nil {
			return err
		}
		return v.appendAudit(tx, fmt.Sprintf("bundle %s exported: %d records, %d withdrawal notices", e.Bundle, len(e.Records), len(e.Withdrawals)), "")
	})
}

// ExportHeads returns the export log, oldest first, without the record
// lists: enough to number the next bundle or show when the last went. A
// log entry lists every record a bundle carried, so after many large
// bundles this reads far less than Exports.
func (v *Vault) ExportHeads() ([]Export, error) {
	var out []Export
	err := v.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketExports).ForEach(func(k, val []byte) error {
			pt, err := open(v.keys.meta, val, adFor(bucketExports, k))
			if err != nil {
				return fmt.Errorf("read export log: %w", err)
			}
			defer clear(pt)
			var e Export
			// The fields before the record list, as an object of their own.
			head := pt
			if i := bytes.Index(pt, []byte(`,"records":`)); i > 0 {
				head = append(pt[:i:i], '}')
			}
			if err := json.Unmarshal(head, &e); err != nil {
				return fmt.Errorf("read export log: %w", ErrCorrupt)
			}
			e.Records = nil
			out = append(out, e)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, err
}

// Exports returns the export log, oldest first.
func (v *Vault) Exports() ([]Export, error) {
	var out []Export
	err := v.view(func(tx *bolt.Tx) (err error) {
		out, err = allSealed[Export](v, tx, bucketExports, "export log")
		return err
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out, err
}
