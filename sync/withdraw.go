package sync

import (
	"slices"
	"time"

	"github.com/fieldvault/fieldvault/vault"
)

// Withdraw acts on a survivor's withdrawal of consent: the record is deleted
// and the vault compacted so its ciphertext does not linger, and every
// contact that was sent the record gets a withdrawal notice in its next
// bundle. It returns the names of those contacts.
func Withdraw(v *vault.Vault, id string) ([]string, error) {
	log, err := v.Exports()
	if err != nil {
		return nil, err
	}
	var pending []string
	for _, e := range log {
		for _, r := range e.Records {
			if r.ID == id && !slices.Contains(pending, e.Contact) {
				pending = append(pending, e.Contact)
			}
		}
	}
	if err := v.Withdraw(id, pending); err != nil {
		return nil, err
	}
	if err := withdrawReferrals(v, id, time.Now()); err != nil {
		return nil, err
	}
	if err := v.Compact(); err != nil {
		return nil, err
	}
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range contacts {
		if slices.Contains(pending, c.ID) {
			names = append(names, c.Name)
		}
	}
	return names, nil
}

// Purge deletes the local copies of records that every partner their
// sharing consent names has confirmed receiving, last changed more than
// olderThan ago, and compacts the vault, so that a seized laptop holds as
// little as possible. The confirmations are checked again here, not taken
// from the status alone.
func Purge(v *vault.Vault, olderThan time.Duration) (int, error) {
	sums, err := v.Summaries()
	if err != nil {
		return 0, err
	}
	deliveries, err := v.Deliveries()
	if err != nil {
		return 0, err
	}
	idByKey, err := contactIDs(v)
	if err != nil {
		return 0, err
	}
	cutoff := time.Now().Add(-olderThan).Unix()
	var ids []string
	for _, s := range sums {
		if s.Status == vault.StatusDelivered && s.Source == "" && s.Updated <= cutoff &&
			deliveredToAll(s, deliveries[s.ID], idByKey) {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	if err := v.DeleteRecords(ids); err != nil {
		return 0, err
	}
	return len(ids), v.Compact()
}

// contactIDs maps each contact's key to its ID.
func contactIDs(v *vault.Vault) (map[string]string, error) {
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(contacts))
	for i := range contacts {
		out[contacts[i].Key()] = contacts[i].ID
	}
	return out, nil
}
