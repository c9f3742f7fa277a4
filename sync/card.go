package sync

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"filippo.io/age"
)

// cardPrefix starts every contact card, so a card is recognised at a glance
// and a future format can be told apart.
const cardPrefix = "fieldvault-card-v1"

// Card is what a vault tells others about itself: a name, the age recipient
// that bundles and receipts for it are encrypted to, and the ed25519 key that
// signs what it sends. It is one line, exchanged once in person or on USB:
//
//	fieldvault-card-v1 age1pq1… ed25519:BASE64 Partner NGO Medan
type Card struct {
	Name       string
	Recipient  string
	SigningKey ed25519.PublicKey
}

// ErrBadCard is returned for a line that is not a contact card.
var ErrBadCard = errors.New("not a fieldvault contact card")

// String renders the card as one line.
func (c Card) String() string {
	return fmt.Sprintf("%s %s ed25519:%s %s", cardPrefix, c.Recipient,
		base64.RawURLEncoding.EncodeToString(c.SigningKey), c.Name)
}

// Fingerprint is a short code both sides can read aloud to check that a card
// arrived unaltered: 16 characters of SHA-256 over the keys, in four groups.
func (c Card) Fingerprint() string {
	h := sha256.New()
	h.Write([]byte(c.Recipient))
	h.Write([]byte{0})
	h.Write(c.SigningKey)
	code := base32.StdEncoding.EncodeToString(h.Sum(nil))[:16]
	return code[:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:]
}

// ParseCard reads a contact card: the line that starts with the card's
// prefix, so a file that also holds other lines (the fingerprint that
// 'fieldvault card' prints beside it, a note) still gives just the card.
func ParseCard(text string) (Card, error) {
	line := text
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), cardPrefix+" ") {
			line = l
			break
		}
	}
	fields := strings.Fields(strings.TrimSpace(line))
	if len(fields) < 4 || fields[0] != cardPrefix {
		return Card{}, fmt.Errorf("%w: a card starts with %q and holds a recipient, a signing key and a name", ErrBadCard, cardPrefix)
	}
	if _, err := age.ParseHybridRecipient(fields[1]); err != nil {
		return Card{}, fmt.Errorf("%w: the recipient is not a post-quantum age recipient (age1pq1…)", ErrBadCard)
	}
	key, ok := strings.CutPrefix(fields[2], "ed25519:")
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if !ok || err != nil || len(raw) != ed25519.PublicKeySize {
		return Card{}, fmt.Errorf("%w: the signing key is not an ed25519 key", ErrBadCard)
	}
	name := strings.Join(fields[3:], " ")
	if err := checkName(name); err != nil {
		return Card{}, err
	}
	return Card{Name: name, Recipient: fields[1], SigningKey: raw}, nil
}

// checkName keeps names printable and short: they appear in lists, file
// names of receipts and consent answers.
func checkName(name string) error {
	if name == "" || len([]rune(name)) > 80 {
		return fmt.Errorf("%w: the name must be 1 to 80 characters", ErrBadCard)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: the name holds a character that cannot be shown", ErrBadCard)
		}
	}
	return nil
}
