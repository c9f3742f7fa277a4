package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/fieldvault/fieldvault/schema"
)

// The parity test: every path through a questionnaire's consent gates and
// skip rules, driven through the three runners — an answers file, the
// accessible runner on piped input, and the terminal form through its
// Bubble Tea model with key messages — must store the same record.

// turn is one question answered on a path, in the order the engine asked it.
type turn struct {
	q *schema.Question
	a Answer
}

// path is one way through a questionnaire, and the record it must store.
type path struct {
	name  string
	lang  string
	steps []turn
	body  string // the record body the engine stores for it
}

var parityContacts = []string{"Partner NGO", "Yayasan Pelangi"}

var parityNow = func() time.Time { return time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) }

func parityOptions(lang string) Options {
	return Options{Lang: lang, Worker: "Dewi", Contacts: parityContacts, Now: parityNow}
}

// branches lists the answers a path may give to q: every value that can
// change the flow for a yes/no or a choice, a few for a multiple choice, a
// valid value for typed questions, and "prefer not to answer" where allowed.
func branches(e *Engine, q *schema.Question) []Answer {
	var out []Answer
	switch q.Type {
	case schema.TypeNote:
		return []Answer{{Skipped: true}}
	case schema.TypeYesNo:
		out = []Answer{{Value: true}, {Value: false}}
	case schema.TypeChoice:
		for _, c := range e.options(q) {
			out = append(out, Answer{Value: c.value})
		}
	case schema.TypeMulti:
		opts := e.options(q)
		out = append(out, Answer{Value: []string{}})
		if len(opts) > 0 {
			out = append(out, Answer{Value: []string{opts[0].value}})
		}
		if len(opts) > 1 {
			out = append(out, Answer{Value: []string{opts[0].value, opts[len(opts)-1].value}})
		}
	case schema.TypeNumber:
		n := 2.0
		if q.Min != nil {
			n = *q.Min
		} else if q.Max != nil {
			n = min(n, *q.Max)
		}
		out = []Answer{{Value: n}}
	case schema.TypeDate:
		out = []Answer{{Value: "2026-11-29"}}
	default:
		for _, s := range []string{"Ayu Lestari", "12345", "ayu@example.org", "A"} {
			if v, msg := e.checkTyped(q, nil, s); msg == "" {
				out = append(out, Answer{Value: v})
				break
			}
		}
	}
	if !q.Required {
		out = append(out, Answer{Skipped: true})
	}
	return out
}

// exhaustive reports whether every branch of q is tried in combination with
// every other such question: the consent questions (required yes/no and
// choice questions on a page with a gate) and the gates themselves.
func exhaustive(s *schema.Schema, q *schema.Question) bool {
	if q.Gate {
		return true
	}
	if !q.Required || q.Type != schema.TypeYesNo && q.Type != schema.TypeChoice {
		return false
	}
	for _, p := range s.Pages {
		hasQ, hasGate := false, false
		for _, o := range p.Questions {
			hasQ = hasQ || o.ID == q.ID
			hasGate = hasGate || o.Gate
		}
		if hasQ {
			return hasGate
		}
	}
	return false
}

// enumerate lists every path: each combination of the consent questions'
// branches, and for every other question its branches in turn across the
// paths (shifted per question), so that each skip rule's branches are met.
func enumerate(t *testing.T, s *schema.Schema, lang string) []path {
	t.Helper()
	var out []path
	queue := [][]int{nil}
	for len(queue) > 0 {
		picks := queue[0]
		queue = queue[1:]
		e, err := New(s, parityOptions(lang))
		if err != nil {
			t.Fatal(err)
		}
		p := path{lang: lang}
		n := len(out)
		used := 0
		forked := false
	walk:
		for !e.Done() {
			tent := map[string]Answer{}
			for qs := e.Next(tent); len(qs) > 0; qs = e.Next(tent) {
				for _, q := range qs {
					bs := branches(e, q)
					var a Answer
					if exhaustive(s, q) {
						if used == len(picks) {
							for i := range bs {
								queue = append(queue, append(append([]int{}, picks...), i))
							}
							forked = true
							break walk
						}
						a = bs[picks[used]]
						used++
					} else {
						h := fnv.New32a()
						h.Write([]byte(q.ID))
						a = bs[(n+int(h.Sum32()))%len(bs)]
					}
					tent[q.ID] = a
					p.steps = append(p.steps, turn{q, a})
				}
			}
			if _, err := e.Submit(tent); err != nil {
				t.Fatalf("path %v: %v", picks, err)
			}
		}
		if forked {
			continue
		}
		p.name = fmt.Sprintf("%s/%d%v", lang, n, picks)
		p.body = recordBody(t, e)
		out = append(out, p)
	}
	return out
}

func recordBody(t *testing.T, e *Engine) string {
	t.Helper()
	r, err := e.Record("")
	if err != nil {
		t.Fatal(err)
	}
	return string(r.Status) + " " + string(r.Body)
}

// viaAnswers stores the path as an answers file would give it.
func viaAnswers(t *testing.T, s *schema.Schema, p path) string {
	answers := map[string]any{}
	for _, st := range p.steps {
		if !st.a.Skipped && st.q.Type != schema.TypeNote {
			answers[st.q.ID] = st.a.Value
		}
	}
	// Through JSON, as a file is read.
	raw, _ := json.Marshal(answers)
	answers = nil
	if err := json.Unmarshal(raw, &answers); err != nil {
		t.Fatal(err)
	}
	e, err := New(s, parityOptions(p.lang))
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(e, answers); err != nil {
		t.Fatalf("%s: answers file: %v", p.name, err)
	}
	return recordBody(t, e)
}

// viaPlain types the path into the accessible runner, a line a question.
func viaPlain(t *testing.T, s *schema.Schema, p path) string {
	e, err := New(s, parityOptions(p.lang))
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for _, st := range p.steps {
		if st.q.Type == schema.TypeNote {
			continue
		}
		in.WriteString(typed(e, st) + "\n")
	}
	var out bytes.Buffer
	r := &Plain{In: strings.NewReader(in.String()), Out: &out}
	if err := r.Run(context.Background(), e); err != nil {
		t.Fatalf("%s: accessible runner: %v\n%s", p.name, err, out.String())
	}
	return recordBody(t, e)
}

// typed is what a person types at the accessible runner's prompt.
func typed(e *Engine, st turn) string {
	if st.a.Skipped {
		return ""
	}
	opts := e.options(st.q)
	index := func(v string) string {
		for i, o := range opts {
			if o.value == v {
				return strconv.Itoa(i + 1)
			}
		}
		return "?"
	}
	switch v := st.a.Value.(type) {
	case bool:
		return map[bool]string{true: "yes", false: "no"}[v]
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []string:
		if len(v) == 0 {
			return "0"
		}
		var nums []string
		for _, s := range v {
			nums = append(nums, index(s))
		}
		return strings.Join(nums, ",")
	case string:
		if st.q.Type == schema.TypeChoice {
			return index(v)
		}
		return v
	}
	return fmt.Sprint(st.a.Value)
}

// endMsg is what the interview model sends when it ends.
type endMsg struct{}

// viaForm drives the terminal form's Bubble Tea model with key messages:
// whatever question has the focus is answered as the path says.
func viaForm(t *testing.T, s *schema.Schema, p path) string {
	e, err := New(s, parityOptions(p.lang))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Answer{}
	for _, st := range p.steps {
		want[st.q.ID] = st.a
	}
	f := &Form{In: strings.NewReader(""), UI: io.Discard, Out: io.Discard, Plain: true}
	m := f.Interview(e, func() tea.Msg { return endMsg{} })
	d := &driver{t: t, m: m}
	d.run(m.Init())
	for keys := 0; !d.ended; keys++ {
		if keys > 2000 {
			t.Fatalf("%s: the form did not end", p.name)
		}
		field := m.cur.form.GetFocusedField()
		id := field.GetKey()
		a, ok := want[id]
		switch {
		case id == "":
			d.key(tea.KeyEnter) // the consent script, an alert
			continue
		case !ok:
			t.Fatalf("%s: the form asked %s, which the engine did not", p.name, id)
		}
		delete(want, id)
		q, _ := s.Question(id)
		d.answer(e, q, a)
	}
	if m.Err() != nil {
		t.Fatalf("%s: form: %v", p.name, m.Err())
	}
	for id := range want {
		if q, _ := s.Question(id); q.Type != schema.TypeNote {
			t.Fatalf("%s: the form never asked %s", p.name, id)
		}
	}
	return recordBody(t, e)
}

// driver runs a Bubble Tea model synchronously: each key message, then the
// commands it returns, until nothing is left to do. A cursor's blink is the
// one timer in these forms; its messages are dropped, so that every command
// left returns at once.
type driver struct {
	t     *testing.T
	m     tea.Model
	ended bool
}

func (d *driver) key(k tea.KeyType, runes ...rune) {
	d.send(tea.KeyMsg{Type: k, Runes: runes})
}

func (d *driver) send(msg tea.Msg) {
	if d.ended {
		d.t.Fatal("a key after the interview ended")
	}
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.run(cmd)
}

var cmdSlice = reflect.TypeOf([]tea.Cmd(nil))

func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil || d.ended {
		return
	}
	if strings.Contains(runtime.FuncForPC(reflect.ValueOf(cmd).Pointer()).Name(), "bubbles/cursor") {
		return // the blink's timer
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(10 * time.Second):
		d.t.Fatal("a command of the form did not return")
	}
	if t := reflect.TypeOf(msg); t != nil && strings.HasSuffix(t.PkgPath(), "bubbles/cursor") {
		return
	}
	switch msg := msg.(type) {
	case nil:
	case endMsg:
		d.ended = true
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg, tea.WindowSizeMsg:
	default:
		// tea.Sequence's message type is not exported: a slice of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSlice) {
			for _, c := range v.Convert(cmdSlice).Interface().([]tea.Cmd) {
				d.run(c)
			}
			return
		}
		if fmt.Sprintf("%T", msg) == "tea.sequenceMsg" {
			d.t.Fatalf("unhandled %T", msg)
		}
		d.send(msg)
	}
}

// answer gives the focused field the path's answer, as a person would:
// arrows and space in lists, typing in text fields, then Enter.
func (d *driver) answer(e *Engine, q *schema.Question, a Answer) {
	values := []string{}
	switch q.Type {
	case schema.TypeYesNo:
		values = []string{"yes", "no"}
	case schema.TypeChoice, schema.TypeMulti:
		for _, o := range e.options(q) {
			values = append(values, o.value)
		}
	}
	if !q.Required && q.Type != schema.TypeNote {
		values = append(values, skipValue)
	}
	pos := func(v string) int {
		for i, x := range values {
			if x == v {
				return i
			}
		}
		d.t.Fatalf("%s: no option %q", q.ID, v)
		return 0
	}
	down := func(n int) {
		d.key(tea.KeyHome)
		for range n {
			d.key(tea.KeyDown)
		}
	}
	switch q.Type {
	case schema.TypeNote:
	case schema.TypeYesNo, schema.TypeChoice:
		v := skipValue
		switch x := a.Value.(type) {
		case bool:
			v = map[bool]string{true: "yes", false: "no"}[x]
		case string:
			v = x
		}
		if a.Skipped {
			v = skipValue
		}
		down(pos(v))
	case schema.TypeMulti:
		picks, _ := a.Value.([]string)
		if a.Skipped {
			picks = []string{skipValue}
		}
		for _, v := range picks {
			down(pos(v))
			d.key(tea.KeySpace, ' ')
		}
	default:
		if !a.Skipped {
			d.key(tea.KeyRunes, []rune(typed(e, turn{q, a}))...)
		}
	}
	d.key(tea.KeyEnter)
}

func TestParityEveryPath(t *testing.T) {
	qs := []*schema.Schema{rescueNeeds(t)}
	// Imported XLSForms run exactly as the built-in questionnaire does.
	for _, name := range []string{"good-minimal.json", "xlsform-sample.json", "htcds-xlsform.json"} {
		s, err := schema.Load("../testdata/schema/" + name)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, s)
	}
	start := time.Now()
	total := 0
	for _, s := range qs {
		for _, lang := range s.Languages {
			paths := enumerate(t, s, lang)
			total += len(paths)
			for _, p := range paths {
				for runner, got := range map[string]func(*testing.T, *schema.Schema, path) string{
					"answers file": viaAnswers, "accessible": viaPlain, "form": viaForm,
				} {
					if body := got(t, s, p); body != p.body {
						t.Errorf("%s %s: the %s stored\n%s\nthe engine\n%s", s.ID, p.name, runner, body, p.body)
					}
				}
			}
		}
	}
	t.Logf("%d paths through %d questionnaires, each through three runners, in %v", total, len(qs), time.Since(start).Round(time.Millisecond))
}

// The flow a runner sees on the consent page of a child's intake: the
// child's own assent comes before the consent to store, and nothing asked
// is hidden again by a later answer.
func TestNextChildConsentOrder(t *testing.T) {
	e := newEngine(t, "en")
	tent := map[string]Answer{}
	var rounds [][]string
	for qs := e.Next(tent); len(qs) > 0; qs = e.Next(tent) {
		rounds = append(rounds, ids(qs))
		for _, q := range qs {
			a := branches(e, q)[0] // yes, the first option, no partner
			tent[q.ID] = a
		}
		for id := range tent {
			if !contains(ids(e.Visible(tent)), id) {
				t.Fatalf("%s was answered, then hidden: rounds %v", id, rounds)
			}
		}
	}
	want := [][]string{
		{"consent.interview"},
		{"consent.given_by", "person.minor"},
		{"consent.minor_basis", "consent.assent"},
		{"consent.store"},
		{"consent.share", "consent.referral", "consent.followup", "consent.withhold"},
	}
	if fmt.Sprint(rounds) != fmt.Sprint(want) {
		t.Fatalf("rounds %v, want %v", rounds, want)
	}
	if _, err := e.Submit(tent); err != nil {
		t.Fatal(err)
	}
}
