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
	// Unconfirmed counts records shared with the contact whose current
	// version it has not confirmed by receipt yet (sent or not): until it
	// does, they are not delivered and purge keeps them.
	Unconfirmed int `json:"unconfirmed"`
	// Referrals counts referrals this vault sent the contact that wait for
	// its answer; ReferralChanges the referral changes the next bundle
	// carries to it.
	Referrals       int `json:"referrals_waiting"`
	ReferralChanges int `json:"referral_changes"`
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
	book, err := NewDeliveryBook(v)
	if err != nil {
		return nil, err
	}
	unconfirmed := map[string]int{}
	err = v.EachSummary(func(s vault.Summary) error {
		if s.Source != "" || s.Status != vault.StatusComplete && s.Status != vault.StatusDelivered {
			return nil
		}
		for _, d := range book.Of(s.ID, s.Version, s.Share) {
			if d.Partner != "" && !d.Delivered {
				unconfirmed[d.Partner]++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	awaiting, changes, err := referralCounts(v)
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
			Withdrawals: len(sel.withdrawals), NotShared: sel.notShared, LastSeq: sel.seq,
			Unconfirmed: unconfirmed[c.Name], Referrals: awaiting[c.ID], ReferralChanges: changes[c.ID]}
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

// PartnerDelivery is where one record stands with one partner its sharing
// consent names.
type PartnerDelivery struct {
	Partner   string `json:"partner"`   // the contact's name; empty if it was removed
	Confirmed int    `json:"confirmed"` // the highest version it confirmed; 0 if none
	Delivered bool   `json:"delivered"` // it confirmed the record's current version
}

// DeliveryBook tells, for the records this vault created, where each stands
// with every partner its sharing consent names.
type DeliveryBook struct {
	byKey map[string]vault.Contact
	conf  map[string]vault.Delivery
}

// NewDeliveryBook reads the contacts and every confirmation once.
func NewDeliveryBook(v *vault.Vault) (*DeliveryBook, error) {
	contacts, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	conf, err := v.Deliveries()
	if err != nil {
		return nil, err
	}
	b := &DeliveryBook{byKey: map[string]vault.Contact{}, conf: conf}
	for _, c := range contacts {
		b.byKey[c.Key()] = c
	}
	return b, nil
}

// Of lists, for a record (its ID, current version and sharing consent),
// each partner it must reach and what that partner confirmed. A partner
// that is no longer a contact has no name and is never delivered to.
func (b *DeliveryBook) Of(id string, version int, share []string) []PartnerDelivery {
	out := make([]PartnerDelivery, 0, len(share))
	for _, key := range share {
		c, ok := b.byKey[key]
		if !ok {
			out = append(out, PartnerDelivery{})
			continue
		}
		got := b.conf[id][c.ID]
		out = append(out, PartnerDelivery{Partner: c.Name, Confirmed: got, Delivered: got >= version})
	}
	return out
}
