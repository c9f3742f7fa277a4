package referral

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// key is a vault's signing key, as a Signer.
type key struct{ priv ed25519.PrivateKey }

func newKey(seed byte) key {
	return key{ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))}
}

func (k key) SigningKey() (ed25519.PublicKey, error) { return k.priv.Public().(ed25519.PublicKey), nil }
func (k key) Sign(msg []byte) ([]byte, error)        { return ed25519.Sign(k.priv, msg), nil }
func (k key) pub() []byte                            { p, _ := k.SigningKey(); return p }

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func refer(t *testing.T, id string, from, to key, p Priority) *Thread {
	t.Helper()
	th, err := New(Referral{ID: id, Record: "rec-" + id, Service: Service{ID: "s1", Name: "Shelter", Type: "shelter"},
		Priority: p, To: to.pub(), At: t0}, from)
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// vault is one vault's copy of every thread, as a bundle's import keeps it.
type vault struct {
	k       key
	threads map[string]*Thread
	seen    map[string]State // the furthest state shown so far, per referral
}

// receive imports a thread as a bundle carries it: checked, then merged.
func (v *vault) receive(th *Thread) error {
	th = clone(th)
	if _, err := th.Check(); err != nil {
		return err
	}
	if cur, ok := v.threads[th.ID()]; ok {
		_, err := cur.Merge(th)
		return err
	}
	v.threads[th.ID()] = th
	return nil
}

func clone(th *Thread) *Thread {
	b, _ := json.Marshal(th)
	var c Thread
	json.Unmarshal(b, &c)
	return &c
}

// Random orders, duplicates and delays of the same events over three vaults
// end in the same state on each, and no vault ever sees a referral move
// back or a final state reopen.
func TestConvergence(t *testing.T) {
	seeds := 250
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		if err := converge(uint64(seed)); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

func converge(seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	keys := []key{newKey(1), newKey(2), newKey(3)}
	vaults := make([]*vault, 3)
	for i := range vaults {
		vaults[i] = &vault{k: keys[i], threads: map[string]*Thread{}, seen: map[string]State{}}
	}
	// Each vault refers to the others: six referrals.
	for i, from := range vaults {
		for j, to := range vaults {
			if i == j {
				continue
			}
			th, err := New(Referral{ID: fmt.Sprintf("r%d%d", i, j), Record: "rec", Service: Service{ID: "s", Type: "health"},
				Priority: Priorities[rng.IntN(3)], To: to.k.pub(), At: t0}, from.k)
			if err != nil {
				return err
			}
			from.threads[th.ID()] = th
		}
	}
	type message struct {
		to int
		th *Thread
	}
	var queue []message
	check := func(v *vault) error {
		for id, th := range v.threads {
			s, _ := th.State()
			prev, ok := v.seen[id]
			if ok && (s.rank() < prev.rank() || (prev.Final() && s != prev && !s.Final())) {
				return fmt.Errorf("referral %s went from %s back to %s", id, prev, s)
			}
			v.seen[id] = s
		}
		return nil
	}
	for step := 0; step < 200; step++ {
		switch rng.IntN(4) {
		case 0: // a vault changes a referral, as its own state allows
			v := vaults[rng.IntN(3)]
			ids := sortedIDs(v.threads)
			if len(ids) == 0 {
				continue
			}
			th := v.threads[ids[rng.IntN(len(ids))]]
			next := []State{Accepted, Declined, Done, Revoked}[rng.IntN(4)]
			err := th.Move(next, "why", v.k, t0.Add(time.Duration(rng.IntN(100))*time.Hour))
			var me *MoveError
			if err != nil && !errors.Is(err, ErrAuthority) && !errors.As(err, &me) {
				return err
			}
		case 1: // a vault writes a bundle to another, which may be late
			from := rng.IntN(3)
			to := (from + 1 + rng.IntN(2)) % 3
			for _, id := range sortedIDs(vaults[from].threads) {
				if rng.IntN(2) == 0 {
					queue = append(queue, message{to, clone(vaults[from].threads[id])})
				}
			}
		default: // a bundle arrives, in any order, perhaps twice
			if len(queue) == 0 {
				continue
			}
			i := rng.IntN(len(queue))
			m := queue[i]
			if rng.IntN(3) != 0 {
				queue = slices.Delete(queue, i, i+1)
			}
			if err := vaults[m.to].receive(m.th); err != nil {
				return err
			}
			if err := check(vaults[m.to]); err != nil {
				return err
			}
		}
	}
	// Whatever was still on its way arrives, and then everyone tells
	// everyone what it knows, in a shuffled order.
	rng.Shuffle(len(queue), func(i, j int) { queue[i], queue[j] = queue[j], queue[i] })
	for _, m := range queue {
		if err := vaults[m.to].receive(m.th); err != nil {
			return err
		}
	}
	for round := 0; round < 2; round++ {
		for _, i := range rng.Perm(3) {
			for _, j := range rng.Perm(3) {
				for _, th := range vaults[i].threads {
					if i != j {
						if err := vaults[j].receive(th); err != nil {
							return err
						}
					}
				}
			}
		}
	}
	for _, v := range vaults {
		if err := check(v); err != nil {
			return err
		}
	}
	for _, id := range sortedIDs(vaults[0].threads) {
		want, wantBy := vaults[0].threads[id].State()
		wantBytes, _ := json.Marshal(vaults[0].threads[id])
		for i, v := range vaults[1:] {
			th, ok := v.threads[id]
			if !ok {
				return fmt.Errorf("vault %d never got referral %s", i+1, id)
			}
			got, gotBy := th.State()
			if got != want || (gotBy == nil) != (wantBy == nil) || (gotBy != nil && !gotBy.At.Equal(wantBy.At)) {
				return fmt.Errorf("referral %s is %s on vault 0 and %s on vault %d", id, want, got, i+1)
			}
			if b, _ := json.Marshal(th); !bytes.Equal(b, wantBytes) {
				return fmt.Errorf("referral %s differs between vault 0 and vault %d", id, i+1)
			}
		}
	}
	return nil
}

func sortedIDs(m map[string]*Thread) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// A change made by a vault the referral does not give it to, or a thread
// altered on the way, is refused wherever it arrives.
func TestForgedAndOutOfAuthority(t *testing.T) {
	a, b, c := newKey(1), newKey(2), newKey(3)
	th := refer(t, "r1", a, b, Urgent)

	// The third vault signs an acceptance of a referral to the second.
	forged := clone(th)
	e, err := sign(Event{Referral: th.hash(), State: Accepted, By: c.pub(), At: t0}, c)
	if err != nil {
		t.Fatal(err)
	}
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); !errors.Is(err, ErrAuthority) {
		t.Errorf("an acceptance by a third vault: %v, want ErrAuthority", err)
	}
	// It claims to be the receiver, but signs with its own key.
	e, _ = sign(Event{Referral: th.hash(), State: Accepted, By: b.pub(), At: t0}, c)
	forged = clone(th)
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); !errors.Is(err, ErrForged) {
		t.Errorf("an acceptance in the receiver's name: %v, want ErrForged", err)
	}
	// The receiver revokes, which only the sender may.
	e, _ = sign(Event{Referral: th.hash(), State: Revoked, By: b.pub(), At: t0}, b)
	forged = clone(th)
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); !errors.Is(err, ErrAuthority) {
		t.Errorf("a revocation by the receiver: %v, want ErrAuthority", err)
	}
	// The sender marks its own referral done.
	e, _ = sign(Event{Referral: th.hash(), State: Done, By: a.pub(), At: t0}, a)
	forged = clone(th)
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); !errors.Is(err, ErrAuthority) {
		t.Errorf("done by the sender: %v, want ErrAuthority", err)
	}
	// A "sent" event, which nobody sends.
	e, _ = sign(Event{Referral: th.hash(), State: Sent, By: a.pub(), At: t0}, a)
	forged = clone(th)
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); !errors.Is(err, ErrMalformed) {
		t.Errorf("a sent event: %v, want ErrMalformed", err)
	}
	// An event with no key at all.
	e, _ = sign(Event{Referral: th.hash(), State: Accepted, At: t0}, b)
	forged = clone(th)
	forged.Events = append(forged.Events, e)
	if _, err := forged.Check(); err == nil {
		t.Error("an event without a key was accepted")
	}
	// The receiver's real acceptance, with its text changed on the way.
	good := clone(th)
	if err := good.Move(Accepted, "", b, t0); err != nil {
		t.Fatal(err)
	}
	altered := clone(good)
	altered.Events[0].Body = bytes.Replace(altered.Events[0].Body, []byte(`"accepted"`), []byte(`"declined"`), 1)
	if _, err := altered.Check(); !errors.Is(err, ErrForged) {
		t.Errorf("an altered event: %v, want ErrForged", err)
	}
	// The referral itself, sent to another vault than the sender signed.
	altered = clone(th)
	var r Referral
	json.Unmarshal(altered.Referral.Body, &r)
	r.To = c.pub()
	altered.Referral.Body, _ = json.Marshal(r)
	if _, err := altered.Check(); !errors.Is(err, ErrForged) {
		t.Errorf("a redirected referral: %v, want ErrForged", err)
	}
	// An event of one referral joined to another.
	other := refer(t, "r2", a, b, Normal)
	moved := clone(other)
	moved.Events = good.Events
	if _, err := moved.Check(); !errors.Is(err, ErrMalformed) {
		t.Errorf("an event of another referral: %v, want ErrMalformed", err)
	}
	// Two referrals that share an ID do not merge.
	twin := refer(t, "r1", a, b, Emergency)
	if _, err := th.Merge(twin); !errors.Is(err, ErrForged) {
		t.Errorf("merging two referrals with one ID: %v", err)
	}
	if _, err := good.Check(); err != nil {
		t.Errorf("the real acceptance: %v", err)
	}
}

// Each vault may make only the moves its side of the referral has, and
// only from the states that allow them.
func TestMoves(t *testing.T) {
	a, b := newKey(1), newKey(2)
	for _, tc := range []struct {
		by    key
		moves []State
		want  State
		fails State // the last move fails, if set
	}{
		{b, []State{Accepted, Done}, Done, ""},
		{b, []State{Declined}, Declined, ""},
		{b, []State{Declined, Accepted}, Declined, Accepted},
		{b, []State{Done}, Sent, Done},
		{b, []State{Accepted, Declined}, Accepted, Declined},
		{a, []State{Revoked}, Revoked, ""},
		{a, []State{Accepted}, Sent, Accepted},
	} {
		th := refer(t, "r", a, b, Normal)
		for i, m := range tc.moves {
			err := th.Move(m, "", tc.by, t0.Add(time.Duration(i)*time.Hour))
			if last := i == len(tc.moves)-1; last && tc.fails != "" {
				if err == nil {
					t.Errorf("%v: the move to %s was allowed", tc.moves, m)
				}
			} else if err != nil {
				t.Errorf("%v: %v", tc.moves, err)
			}
		}
		if s, _ := th.State(); s != tc.want {
			t.Errorf("%v: %s, want %s", tc.moves, s, tc.want)
		}
	}
	// The sender revokes what the receiver already accepted.
	th := refer(t, "r", a, b, Normal)
	th.Move(Accepted, "", b, t0)
	if err := th.Move(Revoked, "", a, t0.Add(time.Hour)); err != nil {
		t.Errorf("revoking an accepted referral: %v", err)
	}
	if err := th.Move(Done, "", b, t0.Add(2*time.Hour)); err == nil {
		t.Error("a revoked referral was marked done")
	}
}

func TestOverdue(t *testing.T) {
	a, b := newKey(1), newKey(2)
	for _, tc := range []struct {
		p     Priority
		after time.Duration
		want  bool
	}{
		{Emergency, 23 * time.Hour, false}, {Emergency, 25 * time.Hour, true},
		{Urgent, 71 * time.Hour, false}, {Urgent, 73 * time.Hour, true},
		{Normal, 13 * 24 * time.Hour, false}, {Normal, 15 * 24 * time.Hour, true},
	} {
		th := refer(t, "r", a, b, tc.p)
		if got := th.Overdue(t0.Add(tc.after)); got != tc.want {
			t.Errorf("%s after %v: overdue %v, want %v", tc.p, tc.after, got, tc.want)
		}
	}
	// Accepted and not yet done stays overdue; done never is.
	th := refer(t, "r", a, b, Emergency)
	th.Move(Accepted, "", b, t0.Add(time.Hour))
	if !th.Overdue(t0.Add(48 * time.Hour)) {
		t.Error("an accepted emergency referral not done after two days is not overdue")
	}
	th.Move(Done, "seen by a doctor", b, t0.Add(47*time.Hour))
	if th.Overdue(t0.Add(48 * time.Hour)) {
		t.Error("a done referral is overdue")
	}
}
