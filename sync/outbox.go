package sync

import (
	"time"

	"github.com/fieldvault/fieldvault/vault"
)

// Outbox is what stands between this vault and one contact: what the next
// bundle would carry, and when bundles and receipts last went each way.
type Outbox struct {
	Contact     string `json:"contact"`
	Fingerprint string `json:"fingerprint"`
	// Waiting counts records the next bundle would carry; Withdrawals the
	// withdrawal notices the contact has not confirmed yet.
	Waiting     int `json:"waiting"`
	Withdrawals int `json:"withdrawals"`
	// NotShared counts finished records left out because the person did
	// not agree to share them with this contact.
	NotShared int `json:"not_shared"`
	// LastSeq and LastSent describe the last bundle written for the
	// contact; LastReceipt when its last receipt was imported. Zero if none.
	LastSeq     int64     `json:"last_seq,omitempty"`
	LastSent    time.Time `json:"last_sent,omitzero"`
	LastReceipt time.Time `json:"last_receipt,omitzero"`
}

// Outboxes returns one Outbox per contact, in the contacts' order. It reads
// only sealed summaries and logs; no record is decrypted.
func Outboxes(v *vault.Vault) ([]Outbox, error) {
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	exports, err := v.ExportHeads()
	if err != nil {
		return nil, err
	}
	imports, err := v.Imports()
	if err != nil {
		return nil, err
	}
	out := make([]Outbox, 0, len(contacts))
	for i := range contacts {
		c := &contacts[i]
		sel, err := selectFor(v, c, false)
		if err != nil {
			return nil, err
		}
		card := Card{Name: c.Name, Recipient: c.Recipient, SigningKey: c.SigningKey}
		o := Outbox{Contact: c.Name, Fingerprint: card.Fingerprint(), Waiting: len(sel.ids),
			Withdrawals: len(sel.withdrawals), NotShared: sel.notShared, LastSeq: sel.seq}
		for _, e := range exports {
			if e.Contact == c.ID && e.Time.After(o.LastSent) {
				o.LastSent = e.Time
			}
		}
		for _, im := range imports {
			if im.Kind == KindReceipt && im.Contact == c.ID && im.Time.After(o.LastReceipt) {
				o.LastReceipt = im.Time
			}
		}
		out = append(out, o)
	}
	return out, nil
}
