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
	return putSealed(tx, bucketSchemas, v.keys.meta, newKey(), storedSchema{hash, source})
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
		err = fmt.Errorf("questionnaire %s: %w", hash, ErrNotFound)
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
