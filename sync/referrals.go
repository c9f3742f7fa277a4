package sync

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/intake/services"
	"github.com/fieldvault/fieldvault/sync/referral"
	"github.com/fieldvault/fieldvault/vault"
)

// ReferOptions say who is referred to what.
type ReferOptions struct {
	Record   string // the record's full ID
	Service  services.Service
	Priority referral.Priority
	// Note is asked only once the referral is allowed, so that nobody
	// types a note for one that is refused.
	Note func() (string, error)
	Now  time.Time
}

// Referral is a referral as a list shows it.
type Referral struct {
	ID       string            `json:"id"`
	Record   string            `json:"record"`
	Service  referral.Service  `json:"service"`
	Priority referral.Priority `json:"priority"`
	Contact  string            `json:"partner"`  // the other vault's name, as this vault knows it
	Outgoing bool              `json:"outgoing"` // this vault sent it
	State    referral.State    `json:"state"`
	Text     string            `json:"text,omitempty"` // the reason for a decline, the provider's note
	Sent     time.Time         `json:"sent"`
	Changed  time.Time         `json:"changed"` // when it reached its state
	Overdue  bool              `json:"overdue"`
	Unsent   bool              `json:"unsent"` // changed here since it last went to the other vault
	Note     string            `json:"note,omitempty"`
}

// Refer refers the person of a record to a service run by a partner vault,
// if the person agreed to both: referral for the service's type
// (consent.referral) and sharing their record with that partner
// (consent.share). The referral goes to the partner in the next bundle,
// with the record if it was not sent yet.
func Refer(v *vault.Vault, o ReferOptions) (*Referral, error) {
	rec, err := v.GetRecord(o.Record)
	if err != nil {
		return nil, err
	}
	answers, err := referable(rec)
	if err != nil {
		return nil, err
	}
	c, err := allowed(v, rec, answers, o.Service)
	if err != nil {
		return nil, err
	}
	short := rec.ID[:8]
	all, err := Referrals(v, o.Now)
	if err != nil {
		return nil, err
	}
	for _, r := range all {
		if r.Record == rec.ID && r.Service.ID == o.Service.ID && !r.State.Final() {
			return nil, catalog.Errorf("refer.already", short, o.Service.ID, r.ID[:8])
		}
	}
	note := ""
	if o.Note != nil {
		if note, err = o.Note(); err != nil {
			return nil, err
		}
	}
	th, err := referral.New(referral.Referral{
		ID: uuid.NewString(), Record: rec.ID, Priority: o.Priority, To: c.SigningKey, At: o.Now.UTC(), Note: note,
		Service: referral.Service{ID: o.Service.ID, Name: o.Service.Name, Type: o.Service.Type, Organisation: o.Service.Organisation, Area: o.Service.Area},
	}, v)
	if err != nil {
		return nil, err
	}
	if err := store(v, th, c.ID, true, "referral sent: "+th.ID()); err != nil {
		return nil, err
	}
	return describe(v, th, c.Name, o.Now)
}

// referable checks that a record can be referred from at all, and returns
// its answers.
func referable(rec *vault.Record) (map[string]any, error) {
	short := rec.ID[:8]
	switch {
	case rec.Source != "":
		return nil, catalog.Errorf("refer.not_ours", short)
	case rec.Status == vault.StatusDraft:
		return nil, catalog.Errorf("refer.draft", short)
	case rec.Status == vault.StatusDeclined:
		return nil, catalog.Errorf("refer.declined", short)
	}
	answers, _, err := intake.BodyAnswers(rec.Body)
	return answers, err
}

// allowed checks the person's consent to a referral to svc, and returns the
// partner that runs it.
func allowed(v *vault.Vault, rec *vault.Record, answers map[string]any, svc services.Service) (*vault.Contact, error) {
	short := rec.ID[:8]
	if !slices.Contains(stringsOf(answers[intake.QReferral]), svc.Type) {
		return nil, catalog.Errorf("refer.no_referral_consent", short, catalog.Errorf("servicetype."+svc.Type))
	}
	if svc.Organisation == "" {
		return nil, catalog.Errorf("refer.not_partner", svc.ID, svc.Name)
	}
	c, err := v.Contact(svc.Organisation)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, catalog.Errorf("refer.not_partner_contact", svc.ID, svc.Organisation)
	} else if err != nil {
		return nil, err
	}
	// Sharing consent names partners by their keys (vault.ShareKeys).
	if !slices.Contains(rec.Share, c.Key()) {
		return nil, catalog.Errorf("refer.no_share_consent", short, c.Name)
	}
	return c, nil
}

// needTypes are the kinds of service that answer the needs of a
// questionnaire's sections, by the first part of a question's ID.
var needTypes = map[string]string{
	"shelter": "shelter", "medical": "health", "wellbeing": "psychosocial", "legal": "legal", "safety": "protection",
	"followup.family_contact": "family", "progress.shelter": "shelter", "progress.medical": "health",
	"progress.wants_support": "psychosocial", "progress.new_risk": "protection", "progress.documents": "legal",
}

// Suggest lists the services of dir that meet a need the record's answers
// show and that the person agreed to be referred to: of a kind they
// consented to, run by a partner they agreed to share their record with.
// A record that cannot be referred has no suggestions.
func Suggest(v *vault.Vault, recordID string, dir []services.Service) ([]services.Service, error) {
	rec, err := v.GetRecord(recordID)
	if err != nil {
		return nil, err
	}
	answers, err := referable(rec)
	if err != nil {
		return nil, nil
	}
	needed := map[string]bool{}
	for id, val := range answers {
		// A yes, or a need still not (fully) met at a follow-up.
		if val != true && val != "not_met" && val != "partly" {
			continue
		}
		if t, ok := needTypes[id]; ok {
			needed[t] = true
		} else if prefix, _, _ := strings.Cut(id, "."); needTypes[prefix] != "" {
			needed[needTypes[prefix]] = true
		}
	}
	var out []services.Service
	for _, s := range dir {
		if !needed[s.Type] {
			continue
		}
		if _, err := allowed(v, rec, answers, s); err == nil {
			out = append(out, s)
		}
	}
	return out, nil
}

func stringsOf(x any) []string {
	switch x := x.(type) {
	case []string:
		return x
	case []any:
		var out []string
		for _, s := range x {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func store(v *vault.Vault, th *referral.Thread, contact string, unsent bool, action string) error {
	data, err := json.Marshal(th)
	if err != nil {
		return err
	}
	r := th.Ref()
	sr := vault.StoredReferral{ID: r.ID, Record: r.Record, Contact: contact, Thread: data, Unsent: unsent}
	if old, err := v.Referral(r.ID); err == nil {
		sr.WentOut, sr.Withdrawn = old.WentOut, old.Withdrawn
	}
	return v.PutReferrals([]vault.StoredReferral{sr}, []string{action})
}

// Move changes a referral this vault has a say over: the receiver accepts,
// declines (text is the reason) or marks it done (text is what was done);
// the sender revokes it.
func Move(v *vault.Vault, id string, next referral.State, text string, now time.Time) (*Referral, error) {
	sr, th, err := load(v, id)
	if err != nil {
		return nil, err
	}
	if err := th.Move(next, text, v, now); err != nil {
		var me *referral.MoveError
		switch {
		case errors.As(err, &me):
			return nil, catalog.Errorf("refer.cannot_move", sr.ID[:8], catalog.Errorf("referral.state_"+string(me.From)), catalog.Errorf("referral.state_"+string(me.To)))
		case errors.Is(err, referral.ErrAuthority):
			return nil, catalog.Errorf("refer.not_yours", sr.ID[:8], catalog.Errorf("referral.state_"+string(next)))
		}
		return nil, err
	}
	if next == referral.Revoked && !sr.WentOut {
		// Never sent: the partner has nothing to hear, and the note
		// need not travel at all.
		if err := v.DeleteReferrals([]string{sr.ID}, "referral revoked: "+sr.ID); err != nil {
			return nil, err
		}
	} else if err := store(v, th, sr.Contact, true, "referral "+string(next)+": "+sr.ID); err != nil {
		return nil, err
	}
	name := ""
	if c, err := contactByID(v, sr.Contact); err == nil {
		name = c.Name
	}
	return describe(v, th, name, now)
}

// load finds a referral by its ID or the first characters of it.
func load(v *vault.Vault, id string) (*vault.StoredReferral, *referral.Thread, error) {
	all, err := v.Referrals()
	if err != nil {
		return nil, nil, err
	}
	var found []vault.StoredReferral
	for _, r := range all {
		if len(id) >= 4 && strings.HasPrefix(r.ID, strings.ToLower(id)) {
			found = append(found, r)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil, &vault.NotFoundError{Kind: "referral", Name: id}
	case 1:
	default:
		return nil, nil, catalog.Errorf("refer.ambiguous", id, len(found))
	}
	var th referral.Thread
	if err := json.Unmarshal(found[0].Thread, &th); err != nil {
		return nil, nil, vault.ErrCorrupt
	}
	return &found[0], &th, nil
}

func contactByID(v *vault.Vault, id string) (*vault.Contact, error) {
	cs, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if cs[i].ID == id {
			return &cs[i], nil
		}
	}
	return nil, vault.ErrNotFound
}

// Referrals lists every referral the vault holds, sent or received, newest
// first, as they stand at now.
func Referrals(v *vault.Vault, now time.Time) ([]*Referral, error) {
	stored, err := v.Referrals()
	if err != nil {
		return nil, err
	}
	cs, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	var out []*Referral
	for _, sr := range stored {
		var th referral.Thread
		if err := json.Unmarshal(sr.Thread, &th); err != nil {
			return nil, vault.ErrCorrupt
		}
		r, err := describe(v, &th, names[sr.Contact], now)
		if err != nil {
			return nil, err
		}
		r.Unsent = sr.Unsent
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Referral) int {
		if c := b.Sent.Compare(a.Sent); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func describe(v *vault.Vault, th *referral.Thread, contact string, now time.Time) (*Referral, error) {
	own, err := v.SigningKey()
	if err != nil {
		return nil, err
	}
	r := th.Ref()
	state, by := th.State()
	out := &Referral{
		ID: r.ID, Record: r.Record, Service: r.Service, Priority: r.Priority, Contact: contact,
		Outgoing: bytes.Equal(r.From, own), State: state, Sent: r.At, Changed: r.At,
		Overdue: th.Overdue(now), Note: r.Note,
	}
	if by != nil {
		out.Text, out.Changed = by.Text, by.At
	}
	return out, nil
}

// referralCounts counts, per contact ID, the referrals this vault sent that
// wait for an answer, and the threads changed since they last went.
func referralCounts(v *vault.Vault) (awaiting, changes map[string]int, err error) {
	stored, err := v.Referrals()
	if err != nil {
		return nil, nil, err
	}
	own, err := v.SigningKey()
	if err != nil {
		return nil, nil, err
	}
	awaiting, changes = map[string]int{}, map[string]int{}
	for _, sr := range stored {
		var th referral.Thread
		if err := json.Unmarshal(sr.Thread, &th); err != nil {
			return nil, nil, vault.ErrCorrupt
		}
		if s, _ := th.State(); s == referral.Sent && bytes.Equal(th.Ref().From, own) {
			awaiting[sr.Contact]++
		}
		if sr.Unsent {
			changes[sr.Contact]++
		}
	}
	return awaiting, changes, nil
}

// unsentThreads are the threads shared with contact c that changed since
// they last went to it.
func unsentThreads(v *vault.Vault, c *vault.Contact) ([]vault.StoredReferral, []byte, error) {
	all, err := v.Referrals()
	if err != nil {
		return nil, nil, err
	}
	var picked []vault.StoredReferral
	var threads []json.RawMessage
	for _, r := range all {
		if r.Contact == c.ID && r.Unsent {
			picked = append(picked, r)
			threads = append(threads, r.Thread)
		}
	}
	if len(picked) == 0 {
		return nil, nil, nil
	}
	slices.SortFunc(picked, func(a, b vault.StoredReferral) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(threads, func(a, b json.RawMessage) int { return bytes.Compare(a, b) })
	data, err := json.Marshal(threads)
	return picked, data, err
}

// markSent records that the threads went to their contact. A thread of a
// withdrawn record has now carried its revocation, and goes.
func markSent(v *vault.Vault, sent []vault.StoredReferral) error {
	var keep []vault.StoredReferral
	var gone []string
	for _, s := range sent {
		if s.Withdrawn {
			gone = append(gone, s.ID)
			continue
		}
		s.Unsent, s.WentOut = false, true
		keep = append(keep, s)
	}
	if err := v.PutReferrals(keep, nil); err != nil {
		return err
	}
	return v.DeleteReferrals(gone, "")
}

// withdrawReferrals acts on a withdrawal of consent for a record: each
// open referral this vault sent is revoked, and the revocation goes to the
// partner in the next bundle with the withdrawal notice; a referral that
// never left, or is over, is deleted at once, and so is its note.
func withdrawReferrals(v *vault.Vault, record string, now time.Time) error {
	stored, err := v.Referrals()
	if err != nil {
		return err
	}
	own, err := v.SigningKey()
	if err != nil {
		return err
	}
	var revoked []vault.StoredReferral
	var gone []string
	for _, sr := range stored {
		if sr.Record != record {
			continue
		}
		var th referral.Thread
		if err := json.Unmarshal(sr.Thread, &th); err != nil {
			return vault.ErrCorrupt
		}
		s, _ := th.State()
		if !sr.WentOut || s.Final() || !bytes.Equal(th.Ref().From, own) {
			gone = append(gone, sr.ID)
			continue
		}
		if err := th.Move(referral.Revoked, "", v, now); err != nil {
			return err
		}
		data, err := json.Marshal(&th)
		if err != nil {
			return err
		}
		sr.Thread, sr.Unsent, sr.Withdrawn = data, true, true
		revoked = append(revoked, sr)
	}
	if len(revoked) > 0 {
		if err := v.PutReferrals(revoked, []string{fmt.Sprintf("referrals revoked on withdrawal: %d", len(revoked))}); err != nil {
			return err
		}
	}
	return v.DeleteReferrals(gone, "")
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// checkThreads reads the referrals a bundle carries and checks each: every
// signature, every change made by the vault the referral gives it to, and
// that it is between the sender and this vault and no one else.
func checkThreads(data []byte, sender, own ed25519.PublicKey, senderName string) ([]*referral.Thread, error) {
	var threads []*referral.Thread
	if err := json.Unmarshal(data, &threads); err != nil {
		return nil, reject("bad_referrals", err)
	}
	seen := map[string]bool{}
	for _, th := range threads {
		r, err := th.Check()
		switch {
		case errors.Is(err, referral.ErrAuthority):
			return nil, reject("referral_authority", r.ID, senderName)
		case err != nil:
			return nil, reject("bad_referrals", err)
		}
		between := bytes.Equal(r.From, sender) && bytes.Equal(r.To, own) || bytes.Equal(r.From, own) && bytes.Equal(r.To, sender)
		if !between {
			return nil, reject("referral_not_between", r.ID, senderName)
		}
		if seen[r.ID] {
			return nil, reject("bad_referrals", fmt.Errorf("referral %s twice", r.ID))
		}
		seen[r.ID] = true
	}
	return threads, nil
}

// mergeThreads adds what a bundle's referrals say to the vault's: a new
// referral is stored, a known one takes the events it lacked. A thread
// this vault knows more of than the sender goes back in the next bundle.
// Merging is a set union, so importing the same bundle twice, or bundles
// out of order, ends the same.
func mergeThreads(v *vault.Vault, ck *Checked) (int, error) {
	if len(ck.Referrals) == 0 && len(ck.Manifest.Withdrawals) == 0 {
		return 0, nil
	}
	stored, err := v.Referrals()
	if err != nil {
		return 0, err
	}
	byID := map[string]vault.StoredReferral{}
	for _, s := range stored {
		byID[s.ID] = s
	}
	// A record the bundle withdraws takes its referrals with it: the
	// person's consent to them is gone, and so are their notes.
	withdrawn := map[string]bool{}
	for _, id := range ck.Manifest.Withdrawals {
		withdrawn[id] = true
	}
	var gone []string
	for _, s := range stored {
		if withdrawn[s.Record] {
			gone = append(gone, s.ID)
		}
	}
	if err := v.DeleteReferrals(gone, ""); err != nil {
		return 0, err
	}
	var out []vault.StoredReferral
	changed := 0
	for _, in := range ck.Referrals {
		r := in.Ref()
		if withdrawn[r.Record] {
			continue
		}
		cur, ok := byID[r.ID]
		if !ok {
			data, err := json.Marshal(in)
			if err != nil {
				return 0, err
			}
			out = append(out, vault.StoredReferral{ID: r.ID, Record: r.Record, Contact: ck.Sender.ID, Thread: data, WentOut: true})
			changed++
			continue
		}
		var th referral.Thread
		if err := json.Unmarshal(cur.Thread, &th); err != nil {
			return 0, vault.ErrCorrupt
		}
		grew, err := th.Merge(in)
		if err != nil {
			return 0, reject("bad_referrals", err)
		}
		// The sender lacks what this vault knows beyond its copy.
		ahead := len(th.Events) > len(in.Events)
		if !grew && ahead == cur.Unsent {
			continue
		}
		data, err := json.Marshal(&th)
		if err != nil {
			return 0, err
		}
		cur.Thread, cur.Unsent = data, ahead
		out = append(out, cur)
		if grew {
			changed++
		}
	}
	if len(out) == 0 {
		return 0, nil
	}
	return changed, v.PutReferrals(out, []string{fmt.Sprintf("referrals updated from %s: %d", ck.Sender.Name, changed)})
}

// directoryFor is this vault's service directory, if it changed since it
// last went to c: every partner keeps the coalition's list as its
// coordinator last sent it.
func directoryFor(v *vault.Vault, c *vault.Contact) ([]byte, error) {
	dir, err := v.Directory()
	if err != nil || dir == nil {
		return nil, err
	}
	last, err := v.DirectorySent(c.ID)
	if err != nil || last == sum(dir) {
		return nil, err
	}
	return dir, nil
}

// keepDirectory keeps the service directory a bundle carried, as its
// sender's, beside this vault's own.
func keepDirectory(v *vault.Vault, ck *Checked) error {
	if ck.Directory == nil {
		return nil
	}
	return v.SetPartnerDirectory(ck.Sender.ID, ck.dir, fmt.Sprintf("service directory received from %s: %d services", ck.Sender.Name, len(ck.Directory.Services)))
}
