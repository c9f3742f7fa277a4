package vault

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// storedSchema is a questionnaire definition kept in the vault, so that a
// record stays readable, and a draft resumable, after fieldvault ships a new
// version of its questionnaire.
type storedSchema struct {
	Hash   string `json:"hash"`
	Source []byte `json:"source"`
	// ID and Offered mark a questionnaire added with 'schema add', which
	// new interviews may use; one version per ID is offered at a time.
	ID      string `json:"id,omitempty"`
	Offered bool   `json:"offered,omitempty"`
}

// PutSchema keeps a questionnaire definition under its hash, once.
func (v *Vault) PutSchema(hash string, source []byte) error {
	return v.update(func(tx *bolt.Tx) error { return v.putSchema(tx, hash, source) })
}

func (v *Vault) putSchema(tx *bolt.Tx, hash string, source []byte) error {
	found := false
	err := v.eachSchema(tx, func(s storedSchema) bool {
		found = s.Hash == hash
		return !found
	})
	if err != nil || found {
		return err
	}
	return putSealed(tx, bucketSchemas, v.keys.meta, newKey(), storedSchema{Hash: hash, Source: source})
}

// Schema returns the questionnaire definition with the given hash.
func (v *Vault) Schema(hash string) ([]byte, error) {
	var src []byte
	err := v.view(func(tx *bolt.Tx) error {
		return v.eachSchema(tx, func(s storedSchema) bool {
			if s.Hash == hash {
				src = s.Source
				return false
			}
			return true
		})
	})
	if err == nil && src == nil {
		err = &NotFoundError{Kind: "questionnaire", Name: hash}
	}
	return src, err
}

// eachSchema calls fn for every stored questionnaire until it returns false.
func (v *Vault) eachSchema(tx *bolt.Tx, fn func(storedSchema) bool) error {
	c := tx.Bucket(bucketSchemas).Cursor()
	for k, val := c.First(); k != nil; k, val = c.Next() {
		var s storedSchema
		if err := openSealed(v.keys.meta, bucketSchemas, k, val, &s); err != nil {
			return fmt.Errorf("read stored questionnaire: %w", err)
		}
		if !fn(s) {
			return nil
		}
	}
	return nil
}

// OfferSchema keeps a questionnaire and offers it for new interviews, in
// place of any version of the same ID offered before. It reports whether
// another version was offered.
func (v *Vault) OfferSchema(id, hash string, source []byte) (replaced bool, err error) {
	err = v.update(func(tx *bolt.Tx) error {
		replaced = false
		found := false
		_, err := v.changeSchemas(tx, func(s *storedSchema) bool {
			switch {
			case s.Hash == hash:
				found = true
				if s.Offered && s.ID == id {
					return false
				}
				s.ID, s.Offered = id, true
				return true
			case s.Offered && s.ID == id:
				replaced, s.Offered = true, false
				return true
			}
			return false
		})
		if err != nil {
			return err
		}
		if !found {
			if err := putSealed(tx, bucketSchemas, v.keys.meta, newKey(), storedSchema{Hash: hash, Source: source, ID: id, Offered: true}); err != nil {
				return err
			}
		}
		return v.appendAudit(tx, "questionnaire added: "+id, hash)
	})
	return replaced, err
}

// WithdrawSchema stops offering the questionnaire with the given ID for
// new interviews. It stays in the vault, so that its records stay readable
// and its drafts resumable. It reports whether one was offered.
func (v *Vault) WithdrawSchema(id string) (bool, error) {
	done := false
	err := v.update(func(tx *bolt.Tx) error {
		done = false
		_, err := v.changeSchemas(tx, func(s *storedSchema) bool {
			if !s.Offered || s.ID != id {
				return false
			}
			s.Offered, done = false, true
			return true
		})
		if err != nil || !done {
			return err
		}
		return v.appendAudit(tx, "questionnaire removed: "+id, "")
	})
	return done, err
}

// changeSchemas lets change alter every stored questionnaire and writes
// back those it reports changed. Writing waits for the end of the walk:
// a bbolt cursor is not to be trusted across writes to its bucket.
func (v *Vault) changeSchemas(tx *bolt.Tx, change func(*storedSchema) bool) (map[string]storedSchema, error) {
	changed := map[string]storedSchema{}
	c := tx.Bucket(bucketSchemas).Cursor()
	for k, val := c.First(); k != nil; k, val = c.Next() {
		var s storedSchema
		if err := openSealed(v.keys.meta, bucketSchemas, k, val, &s); err != nil {
			return nil, fmt.Errorf("read stored questionnaire: %w", err)
		}
		if change(&s) {
			changed[string(k)] = s
		}
	}
	for k, s := range changed {
		if err := putSealed(tx, bucketSchemas, v.keys.meta, []byte(k), s); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

// OfferedSchemas returns the definitions of the questionnaires offered for
// new interviews.
func (v *Vault) OfferedSchemas() ([][]byte, error) {
	var out [][]byte
	err := v.view(func(tx *bolt.Tx) error {
		return v.eachSchema(tx, func(s storedSchema) bool {
			if s.Offered {
				out = append(out, s.Source)
			}
			return true
		})
	})
	return out, err
}
