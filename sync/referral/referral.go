// Package referral is a referral between two vaults that are never online
// together: a set of signed events that ends in the same state on every
// vault, whatever order, however late and however often the events arrive.
//
// The sender signs a Referral naming both vaults' signing keys. Every later
// Event names the referral by the hash of those signed bytes and is signed
// by the vault that made it; the referral itself says who may make which
// change, so any vault can check any event without asking anyone:
//
//	sent (the sender) → accepted | declined (the receiver) → done (the receiver)
//	revoked (the sender), from sent or accepted
//
// A Thread is a referral with every event known of it. Its state is the
// furthest of its events in one fixed order, sent < accepted < revoked <
// declined < done, so merging threads is a set union and commutes: a state
// only moves forward, and a final state (revoked, declined, done) is never
// reopened. Where two final events cross on the way (the sender revokes
// while the provider marks it done), the later in that order stands on
// every vault: a service given is a fact a revocation cannot undo, and a
// refusal says more than a revocation of what was refused.
package referral

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Priority is how soon the receiving organisation should act, as on the
// inter-agency referral form.
type Priority string

const (
	Emergency Priority = "emergency" // within 24 hours
	Urgent    Priority = "urgent"    // within 72 hours
	Normal    Priority = "normal"    // within two weeks
)

// Priorities lists every priority, most pressing first.
var Priorities = []Priority{Emergency, Urgent, Normal}

// Within is how long a priority gives the receiver to act.
func (p Priority) Within() time.Duration {
	switch p {
	case Emergency:
		return 24 * time.Hour
	case Urgent:
		return 72 * time.Hour
	}
	return 14 * 24 * time.Hour
}

// State is where a referral stands.
type State string

const (
	Sent     State = "sent"
	Accepted State = "accepted"
	Declined State = "declined"
	Done     State = "done"
	Revoked  State = "revoked"
)

// States lists every state in the order a referral moves through them.
var States = []State{Sent, Accepted, Revoked, Declined, Done}

// rank is a state's place in that order; a thread's state is its
// furthest event's.
func (s State) rank() int { return slices.Index(States, s) }

// Final reports whether nothing more can happen to a referral in state s.
func (s State) Final() bool { return s == Revoked || s == Declined || s == Done }

// Service is what the referral asks for: a copy of the directory's entry,
// so that the referral reads the same on a vault whose directory differs.
type Service struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Organisation string `json:"organisation,omitempty"`
	Area         string `json:"area,omitempty"`
}

// Referral is what the sending vault signs when it refers a person.
type Referral struct {
	ID       string    `json:"id"`
	Record   string    `json:"record"`
	Service  Service   `json:"service"`
	Priority Priority  `json:"priority"`
	From     []byte    `json:"from"` // the sender's ed25519 key
	To       []byte    `json:"to"`   // the receiver's
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
}

// Event is one change to a referral after it was sent.
type Event struct {
	Referral string    `json:"referral"` // hex SHA-256 of the signed referral's body
	State    State     `json:"state"`
	By       []byte    `json:"by"`
	At       time.Time `json:"at"`
	// Text is the reason for a decline, or the provider's note when done.
	Text string `json:"text,omitempty"`
}

// Signed is a document's exact bytes and an ed25519 signature over them.
type Signed struct {
	Body []byte `json:"body"`
	Sig  []byte `json:"sig"`
}

// Signer signs with a vault's key.
type Signer interface {
	SigningKey() (ed25519.PublicKey, error)
	Sign(msg []byte) ([]byte, error)
}

// Errors a thread is refused for: it was altered, or a vault made a change
// it has no say over.
var (
	ErrForged    = errors.New("a signature does not match")
	ErrAuthority = errors.New("a vault made a change it has no say over")
	ErrMalformed = errors.New("not a valid referral")
)

// Thread is a referral and every event known of it.
type Thread struct {
	Referral Signed   `json:"referral"`
	Events   []Signed `json:"events,omitempty"`
}

// New signs r as its sender and starts its thread.
func New(r Referral, s Signer) (*Thread, error) {
	key, err := s.SigningKey()
	if err != nil {
		return nil, err
	}
	r.From = key
	if err := r.check(); err != nil {
		return nil, err
	}
	signed, err := sign(r, s)
	if err != nil {
		return nil, err
	}
	return &Thread{Referral: signed}, nil
}

func (r *Referral) check() error {
	switch {
	case r.ID == "" || r.Record == "" || r.Service.ID == "":
		return fmt.Errorf("%w: it lacks its ID, record or service", ErrMalformed)
	case !slices.Contains(Priorities, r.Priority):
		return fmt.Errorf("%w: priority %q", ErrMalformed, r.Priority)
	case len(r.From) != ed25519.PublicKeySize || len(r.To) != ed25519.PublicKeySize:
		return fmt.Errorf("%w: it does not name both vaults", ErrMalformed)
	case bytes.Equal(r.From, r.To):
		return fmt.Errorf("%w: a vault cannot refer to itself", ErrMalformed)
	}
	return nil
}

func sign(doc any, s Signer) (Signed, error) {
	body, err := json.Marshal(doc)
	if err != nil {
		return Signed{}, err
	}
	sig, err := s.Sign(body)
	if err != nil {
		return Signed{}, err
	}
	return Signed{Body: body, Sig: sig}, nil
}

// ref is the thread's referral. Threads are checked before they are
// stored, so an unreadable one (the zero Referral) is never shown.
func (t *Thread) ref() Referral {
	var r Referral
	json.Unmarshal(t.Referral.Body, &r)
	return r
}

// Check verifies every signature of t and that each event was made by the
// vault the referral gives that change to, and returns the referral.
func (t *Thread) Check() (Referral, error) {
	var r Referral
	if err := strictJSON(t.Referral.Body, &r); err != nil {
		return r, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := r.check(); err != nil {
		return r, err
	}
	if !ed25519.Verify(r.From, t.Referral.Body, t.Referral.Sig) {
		return r, fmt.Errorf("%w: the referral %s", ErrForged, r.ID)
	}
	hash := t.hash()
	for _, s := range t.Events {
		e, err := parseEvent(s)
		if err != nil {
			return r, err
		}
		if e.Referral != hash {
			return r, fmt.Errorf("%w: an event of referral %s names another referral", ErrMalformed, r.ID)
		}
		who := authority(r, e.State)
		if who == nil {
			return r, fmt.Errorf("%w: an event of referral %s has the state %q", ErrMalformed, r.ID, e.State)
		}
		if !bytes.Equal(e.By, who) {
			return r, fmt.Errorf("%w: %s on referral %s", ErrAuthority, e.State, r.ID)
		}
		if !ed25519.Verify(e.By, s.Body, s.Sig) {
			return r, fmt.Errorf("%w: an event of referral %s", ErrForged, r.ID)
		}
	}
	return r, nil
}

// authority is the key that may move a referral to state s.
func authority(r Referral, s State) []byte {
	switch s {
	case Accepted, Declined, Done:
		return r.To
	case Revoked:
		return r.From
	}
	return nil // nobody sends "sent" as an event
}

func parseEvent(s Signed) (Event, error) {
	var e Event
	if err := strictJSON(s.Body, &e); err != nil {
		return e, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return e, nil
}

func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("extra data")
	}
	return nil
}

func (t *Thread) hash() string {
	h := sha256.Sum256(t.Referral.Body)
	return hex.EncodeToString(h[:])
}

// ID is the referral's ID.
func (t *Thread) ID() string { return t.ref().ID }

// Ref is the referral the thread is about.
func (t *Thread) Ref() Referral { return t.ref() }

// State is where the referral stands, with the event that put it there
// (nil while it is only sent). Where two events would put it in the same
// state, the earlier, then the smaller signature, stands, so that every
// vault shows the same reason or note.
func (t *Thread) State() (State, *Event) {
	state, by := Sent, (*Event)(nil)
	var bestSig []byte
	for _, s := range t.Events {
		e, err := parseEvent(s)
		if err != nil {
			continue // Check refuses such a thread before it is stored
		}
		switch r, cur := e.State.rank(), state.rank(); {
		case r < cur:
			continue
		case r == cur && by != nil:
			if e.At.After(by.At) || (e.At.Equal(by.At) && bytes.Compare(s.Sig, bestSig) >= 0) {
				continue
			}
		}
		state, by, bestSig = e.State, &e, s.Sig
	}
	return state, by
}

// Merge adds the events of o, a thread of the same referral, that t lacks,
// and reports whether t changed. Both must have passed Check.
func (t *Thread) Merge(o *Thread) (bool, error) {
	if !bytes.Equal(t.Referral.Body, o.Referral.Body) {
		return false, fmt.Errorf("%w: two referrals with ID %s differ", ErrForged, t.ID())
	}
	changed := false
	for _, e := range o.Events {
		if !slices.ContainsFunc(t.Events, func(x Signed) bool { return bytes.Equal(x.Sig, e.Sig) && bytes.Equal(x.Body, e.Body) }) {
			t.Events = append(t.Events, e)
			changed = true
		}
	}
	// One order on every vault, so a thread's bytes are the same wherever
	// the same events arrived.
	slices.SortFunc(t.Events, func(a, b Signed) int { return bytes.Compare(a.Sig, b.Sig) })
	return changed, nil
}

// Move records that the vault s moves the referral to state next, with an
// optional text (the reason for a decline, the provider's note). Only the
// moves the referral allows are made: the receiver accepts or declines what
// was sent and marks done what it accepted; the sender revokes what is
// still open.
func (t *Thread) Move(next State, text string, s Signer, now time.Time) error {
	r, err := t.Check()
	if err != nil {
		return err
	}
	key, err := s.SigningKey()
	if err != nil {
		return err
	}
	if !bytes.Equal(key, authority(r, next)) {
		return ErrAuthority
	}
	cur, _ := t.State()
	if !allowed(cur, next) {
		return &MoveError{From: cur, To: next}
	}
	e, err := sign(Event{Referral: t.hash(), State: next, By: key, At: now.UTC(), Text: text}, s)
	if err != nil {
		return err
	}
	_, err = t.Merge(&Thread{Referral: t.Referral, Events: []Signed{e}})
	return err
}

func allowed(cur, next State) bool {
	switch next {
	case Accepted, Declined:
		return cur == Sent
	case Done:
		return cur == Accepted
	case Revoked:
		return cur == Sent || cur == Accepted
	}
	return false
}

// MoveError is a change a referral in its state does not allow.
type MoveError struct{ From, To State }

func (e *MoveError) Error() string {
	return fmt.Sprintf("a referral that is %s cannot become %s", e.From, e.To)
}

// Overdue reports whether the receiver has not yet finished what the
// referral's priority gave it time for: it is still sent or accepted, and
// that time has passed.
func (t *Thread) Overdue(now time.Time) bool {
	r := t.ref()
	s, _ := t.State()
	return !s.Final() && now.After(r.At.Add(r.Priority.Within()))
}
