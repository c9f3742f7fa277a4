// Package intake runs a questionnaire with a survivor: consent gating, skip
// logic, validation, paging, drafts and triage. One Engine owns all of that;
// three runners drive it — a huh form in a terminal, a plain line-by-line
// prompter for screen readers and basic terminals, and an answers file — so
// every rule holds whichever way the answers come in.
package intake

import (
	"errors"
	"fmt"
	"slices"
	gosync "sync"
	"time"

	"github.com/fieldvault/fieldvault/schema"
)

// Question IDs with a meaning beyond their page: who a record may go to,
// which referrals were agreed, and whether follow-up is welcome.
const (
	QShare    = "consent.share"
	QReferral = "consent.referral"
	QFollowup = "consent.followup"
)

// Options set up an interview.
type Options struct {
	Lang string // questionnaire language; must be one it offers
	// WorkerLang is the worker's (the interface's) language, for texts
	// meant for the worker: alerts, and questions and notes whose audience
	// is the worker. Empty, or one the questionnaire lacks: Lang.
	WorkerLang string
	Worker     string   // who is interviewing, recorded with the consent
	Contacts   []string // partner names that consent.share may name
	Now        func() time.Time
}

// Consent records how consent was given or refused: when, in which
// language, by which worker, and a hash of the exact script that was read.
type Consent struct {
	Time       time.Time `json:"time"`
	Lang       string    `json:"lang"`
	Worker     string    `json:"worker"`
	ScriptHash string    `json:"script_sha256"`
	// Declined names the consent question answered "no", if any.
	Declined string `json:"declined,omitempty"`
}

// State is everything a draft must keep to resume an interview.
type State struct {
	Answers map[string]any `json:"answers,omitempty"`
	Skipped []string       `json:"skipped,omitempty"` // "prefer not to answer"
	Consent *Consent       `json:"consent,omitempty"`
	Page    int            `json:"page"`              // the page to ask next
	History []int          `json:"history,omitempty"` // pages answered, for Back
	Stopped bool           `json:"stopped,omitempty"` // the person ended the interview
	Done    bool           `json:"done,omitempty"`
	// Held are answers typed on the page being asked when the interview
	// was locked or left: they fill the page in again when it is resumed,
	// and count only once the page is submitted.
	Held map[string]any `json:"held,omitempty"`
}

// Answer is what a runner hands in for one question.
type Answer struct {
	Value   any  // bool, float64, string or []string, by question type
	Skipped bool // prefer not to answer
}

// Engine runs one interview. It is not safe for concurrent use.
type Engine struct {
	s       *schema.Schema
	opts    Options
	st      State
	alerted map[int]bool // triage rules whose alert was already shown
	// decides holds the questions whose answer decides whether a later
	// question on the same page is asked: consent gates, and questions a
	// condition on their page reads.
	decides map[string]bool
	// furthest is the furthest page answered: a page before it is a
	// revisit, whose changed answers may hide answers given after it.
	furthest int
}

// decidesCache keeps each questionnaire's deciding questions: a bulk
// intake makes an engine per line.
var decidesCache gosync.Map // *schema.Schema → map[string]bool

func decidesOf(s *schema.Schema) map[string]bool {
	if d, ok := decidesCache.Load(s); ok {
		return d.(map[string]bool)
	}
	d := map[string]bool{}
	for _, p := range s.Pages {
		onPage := map[string]bool{}
		for _, q := range p.Questions {
			if q.Gate {
				d[q.ID] = true
			}
			for _, id := range q.When.Reads() {
				d[id] = d[id] || onPage[id]
			}
			onPage[q.ID] = true
		}
	}
	decidesCache.Store(s, d)
	return d
}

// New starts an interview with s.
func New(s *schema.Schema, opts Options) (*Engine, error) {
	return Restore(s, State{}, opts)
}

// Restore continues an interview from a draft's state.
func Restore(s *schema.Schema, st State, opts Options) (*Engine, error) {
	if opts.Lang == "" {
		opts.Lang = s.Languages[0]
	}
	if !s.HasLanguage(opts.Lang) {
		return nil, fmt.Errorf("questionnaire %s is not available in %q (it has %v)", s.ID, opts.Lang, s.Languages)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if st.Answers == nil {
		st.Answers = map[string]any{}
	}
	// A draft's answers come back from JSON: lists as []any.
	for _, m := range []map[string]any{st.Answers, st.Held} {
		for id, v := range m {
			if l, ok := v.([]any); ok {
				m[id], _ = toStrings(l)
			}
		}
	}
	if st.Page < 0 || st.Page > len(s.Pages) {
		return nil, errors.New("the draft points to a page the questionnaire does not have")
	}
	e := &Engine{s: s, opts: opts, st: st, alerted: map[int]bool{}, decides: decidesOf(s), furthest: st.Page}
	// How far a draft got: answers on pages after the current one mean a
	// page is being revisited.
	for i := len(s.Pages) - 1; i > st.Page && e.furthest == st.Page; i-- {
		for _, q := range s.Pages[i].Questions {
			if _, ok := st.Answers[q.ID]; ok || slices.Contains(st.Skipped, q.ID) {
				e.furthest = i
				break
			}
		}
	}
	// Alerts already true were shown before the draft was saved.
	for i := range s.Triage.Rules {
		if s.Triage.Rules[i].When.Eval(e.lookup(nil)) {
			e.alerted[i] = true
		}
	}
	if !st.Done && !e.pageShown(st.Page) {
		e.advance(st.Page)
	}
	return e, nil
}

// SetWorkerLang sets the worker's language (see Options.WorkerLang).
func (e *Engine) SetWorkerLang(lang string) { e.opts.WorkerLang = lang }

// TextLang is the language to show q's own texts in: the worker's for a
// question meant for the worker, else the interview's.
func (e *Engine) TextLang(q *schema.Question) string {
	if q.Audience == schema.AudienceWorker {
		return e.WorkerLang()
	}
	return e.opts.Lang
}

// WorkerLang is the language of texts meant for the worker.
func (e *Engine) WorkerLang() string {
	if l := e.opts.WorkerLang; l != "" && e.s.HasLanguage(l) {
		return l
	}
	return e.opts.Lang
}

// Schema returns the questionnaire being run.
func (e *Engine) Schema() *schema.Schema { return e.s }

// Lang returns the interview's language.
func (e *Engine) Lang() string { return e.opts.Lang }

// State returns the state to save in a draft.
func (e *Engine) State() State { return e.st }

// Done reports whether the interview is over: finished, declined or stopped.
func (e *Engine) Done() bool { return e.st.Done }

// Declined reports whether a consent question was answered "no".
func (e *Engine) Declined() bool { return e.st.Consent != nil && e.st.Consent.Declined != "" }

// Consented reports whether every consent gate so far was passed, so that
// the answers may be stored.
func (e *Engine) Consented() bool {
	return e.st.Consent != nil && e.st.Consent.Declined == "" && e.gatesPassed(len(e.s.Pages))
}

// Page returns the page to ask now, or nil when the interview is done.
func (e *Engine) Page() *schema.Page {
	if e.st.Done {
		return nil
	}
	return &e.s.Pages[e.st.Page]
}

// Progress returns the current page's number and how many pages the
// interview has, counting the later pages that skip logic shows so far.
func (e *Engine) Progress() (n, total int) {
	n = len(e.st.History) + 1
	total = n
	look := e.lookup(nil)
	for i := e.st.Page + 1; i < len(e.s.Pages); i++ {
		// Count a page if its condition holds and one of its questions
		// may be asked once consent is given.
		if !e.pageCond(i) {
			continue
		}
		if slices.ContainsFunc(e.s.Pages[i].Questions, func(q schema.Question) bool {
			return q.When == nil || q.When.Eval(look)
		}) {
			total++
		}
	}
	return n, total
}

// CanGoBack reports whether there is an answered page to return to.
func (e *Engine) CanGoBack() bool { return len(e.st.History) > 0 && !e.st.Done }

// Back returns to the previous answered page. Its answers are kept, so a
// runner can offer them as defaults.
func (e *Engine) Back() bool {
	if !e.CanGoBack() {
		return false
	}
	e.st.Held = nil
	e.st.Page = e.st.History[len(e.st.History)-1]
	e.st.History = e.st.History[:len(e.st.History)-1]
	return true
}

// Hold keeps answers typed on the current page but not yet submitted, to
// fill the page in again when a draft is resumed. Answers to questions not
// on the page are ignored; nothing is validated until Submit.
func (e *Engine) Hold(held map[string]any) {
	p := e.Page()
	e.st.Held = nil
	if p == nil {
		return
	}
	for _, q := range p.Questions {
		if v, ok := held[q.ID]; ok && v != nil {
			if e.st.Held == nil {
				e.st.Held = map[string]any{}
			}
			e.st.Held[q.ID] = v
		}
	}
}

// Stop ends the interview at the person's wish. Answers to completed pages
// are kept if consent was given; otherwise nothing but the consent decision.
func (e *Engine) Stop() {
	e.st.Stopped = true
	e.st.Done = true
}

// Visible lists the questions of the current page that are asked, given the
// answers so far and the tentative answers already typed on this page.
// Notes are included; their answers are never required.
func (e *Engine) Visible(tentative map[string]Answer) []*schema.Question {
	p := e.Page()
	if p == nil {
		return nil
	}
	var out []*schema.Question
	for i := range p.Questions {
		q := &p.Questions[i]
		if e.asked(q, tentative) {
			out = append(out, q)
		}
	}
	return out
}

// Next returns the questions of the current page to ask now, given the
// answers already given on it: those asked and not yet answered, in page
// order, up to and including the first whose answer decides whether a later
// question is asked (a consent gate, or a question a condition reads). Ask
// them, add their answers to tentative, and call Next again; when it returns
// nothing, the page is complete and the answers go to Submit. A note counts
// as answered once it is in tentative (with any Answer). Nothing after a
// refused gate is asked.
//
// This is the one place that decides the flow within a page, so that every
// runner asks the same questions in the same order: no answer is ever given
// to a question that a later answer on the page hides again.
func (e *Engine) Next(tentative map[string]Answer) []*schema.Question {
	var out []*schema.Question
	for _, q := range e.Visible(tentative) {
		if _, done := tentative[q.ID]; done {
			continue
		}
		out = append(out, q)
		if e.decides[q.ID] {
			break
		}
	}
	return out
}

// asked reports whether q is asked: every consent gate before it answered
// yes, and its condition true.
func (e *Engine) asked(q *schema.Question, tentative map[string]Answer) bool {
	look := e.lookup(tentative)
	for _, p := range e.s.Pages {
		for i := range p.Questions {
			g := &p.Questions[i]
			if g.ID == q.ID {
				return q.When == nil || q.When.Eval(look)
			}
			if g.Gate && e.asked(g, tentative) {
				if v, ok := look(g.ID); !ok || v != true {
					return false
				}
			}
		}
	}
	return false
}

// lookup returns the answers as a condition sees them: tentative answers of
// the current page first, then saved ones. Skipped questions have no value.
func (e *Engine) lookup(tentative map[string]Answer) schema.Answers {
	return func(id string) (any, bool) {
		if a, ok := tentative[id]; ok {
			if a.Skipped || a.Value == nil {
				return nil, false
			}
			return a.Value, true
		}
		v, ok := e.st.Answers[id]
		return v, ok
	}
}

// Alert is what a triage rule tells the worker to do at once.
type Alert struct {
	Level string
	Text  string
}

// ErrDone is returned when answers are submitted after the interview ended.
var ErrDone = errors.New("the interview is over")

// Submit validates and saves the answers to the current page and moves on.
// Every question on the page must be accounted for: a required one needs a
// value, any other is skipped ("prefer not to answer") if absent. Answers to
// questions that are not asked are refused. It returns the alerts of triage
// rules that became true, to show before going on.
func (e *Engine) Submit(in map[string]Answer) ([]Alert, error) {
	p := e.Page()
	if p == nil {
		return nil, ErrDone
	}
	onPage := map[string]bool{}
	for _, q := range p.Questions {
		onPage[q.ID] = true
	}
	for id := range in {
		if !onPage[id] {
			if _, ok := e.s.Question(id); !ok {
				return nil, &AnswerError{Question: id, Msg: msgUnknownQuestion}
			}
			return nil, &AnswerError{Question: id, Msg: msgNotOnPage}
		}
	}
	// Validate in order, so that skip logic sees earlier answers on the
	// same page.
	valid := map[string]Answer{}
	var skipped []string
	for i := range p.Questions {
		q := &p.Questions[i]
		a, given := in[q.ID]
		if q.Type == schema.TypeNote {
			continue // a note has no answer; runners may mark it read
		}
		if !e.asked(q, valid) {
			if given && !a.Skipped {
				return nil, &AnswerError{Question: q.ID, Msg: msgNotAsked}
			}
			continue
		}
		if !given || a.Skipped || a.Value == nil {
			if q.Required {
				return nil, requiredErr(q)
			}
			valid[q.ID] = Answer{Skipped: true}
			skipped = append(skipped, q.ID)
			continue
		}
		v, err := e.normalize(q, a.Value)
		if err != nil {
			return nil, err
		}
		valid[q.ID] = Answer{Value: v}
	}

	// Apply: forget earlier answers to this page (it may be a revisit),
	// and what was held of it.
	e.st.Held = nil
	for _, q := range p.Questions {
		delete(e.st.Answers, q.ID)
		e.st.Skipped = slices.DeleteFunc(e.st.Skipped, func(id string) bool { return id == q.ID })
	}
	for id, a := range valid {
		if !a.Skipped {
			e.st.Answers[id] = a.Value
		}
	}
	e.st.Skipped = append(e.st.Skipped, skipped...)
	if e.st.Page < e.furthest {
		e.forgetUnasked()
	}
	e.furthest = max(e.furthest, e.st.Page)

	for i := range p.Questions {
		q := &p.Questions[i]
		a, ok := valid[q.ID]
		if !q.Gate || !ok {
			continue
		}
		e.recordConsent()
		if a.Value == false {
			e.st.Consent.Declined = q.ID
			e.st.Done = true
			return nil, nil
		}
	}
	e.st.History = append(e.st.History, e.st.Page)
	e.advance(e.st.Page + 1)
	return e.newAlerts(), nil
}

// forgetUnasked drops the answers (and skips) of questions that are no
// longer asked: an answer changed on a revisited page may hide questions
// answered before, on this page or a later one, and what is not asked must
// not be stored.
func (e *Engine) forgetUnasked() {
	look := e.lookup(nil)
	blocked := false // a gate before was refused or not answered
	var gone map[string]bool
	for i := range e.s.Pages {
		shown := e.pageCond(i)
		for j := range e.s.Pages[i].Questions {
			q := &e.s.Pages[i].Questions[j]
			asked := !blocked && (q.When == nil || q.When.Eval(look))
			if q.Gate && asked {
				v, _ := look(q.ID)
				blocked = v != true
			}
			if asked && shown {
				continue
			}
			if gone == nil {
				gone = map[string]bool{}
			}
			gone[q.ID] = true
			delete(e.st.Answers, q.ID)
		}
	}
	if gone != nil {
		e.st.Skipped = slices.DeleteFunc(e.st.Skipped, func(id string) bool { return gone[id] })
	}
}

// recordConsent stamps the consent with time, language, worker and script
// the first time a consent gate is answered.
func (e *Engine) recordConsent() {
	if e.st.Consent != nil {
		return
	}
	e.st.Consent = &Consent{
		Time:       e.opts.Now().UTC(),
		Lang:       e.opts.Lang,
		Worker:     e.opts.Worker,
		ScriptHash: e.s.ScriptHash(e.opts.Lang),
	}
}

// advance moves to the first page from i on that is shown, or ends.
func (e *Engine) advance(i int) {
	for ; i < len(e.s.Pages); i++ {
		if e.pageShown(i) {
			e.st.Page = i
			return
		}
	}
	e.st.Page = len(e.s.Pages)
	e.st.Done = true
}

func (e *Engine) pageCond(i int) bool {
	w := e.s.Pages[i].When
	return w == nil || w.Eval(e.lookup(nil))
}

// pageShown reports whether page i is asked: its condition holds and at
// least one of its questions is asked.
func (e *Engine) pageShown(i int) bool {
	if i >= len(e.s.Pages) || !e.pageCond(i) {
		return false
	}
	for q := range e.s.Pages[i].Questions {
		if e.asked(&e.s.Pages[i].Questions[q], nil) {
			return true
		}
	}
	return false
}

// gatesPassed reports whether every gate on pages before limit that was
// asked was answered yes, and at least one gate exists.
func (e *Engine) gatesPassed(limit int) bool {
	seen := false
	for _, p := range e.s.Pages[:min(limit, len(e.s.Pages))] {
		for i := range p.Questions {
			q := &p.Questions[i]
			if !q.Gate {
				continue
			}
			v, answered := e.st.Answers[q.ID]
			if answered && v != true {
				return false
			}
			if !answered && e.asked(q, nil) {
				return false
			}
			seen = seen || answered
		}
	}
	return seen
}

func (e *Engine) newAlerts() []Alert {
	var out []Alert
	look := e.lookup(nil)
	for i, r := range e.s.Triage.Rules {
		if e.alerted[i] || r.Alert == nil || !r.When.Eval(look) {
			continue
		}
		e.alerted[i] = true
		text := r.Alert.In(e.WorkerLang()) // for the worker, to act on now
		if !slices.ContainsFunc(out, func(a Alert) bool { return a.Text == text }) {
			out = append(out, Alert{Level: r.Level, Text: text})
		}
	}
	return out
}

// Triage is how urgent the person's needs are and why.
type Triage struct {
	Level   string   `json:"level"`
	Reasons []string `json:"reasons,omitempty"` // in the interview's language
}

// Triage computes the level from the questionnaire's rules: the most urgent
// level any rule sets, with the reasons of every rule that holds.
func (e *Engine) Triage() Triage {
	t := Triage{Level: e.s.Triage.Default}
	look := e.lookup(nil)
	for _, r := range e.s.Triage.Rules {
		if !r.When.Eval(look) {
			continue
		}
		if slices.Index(schema.Levels, r.Level) < slices.Index(schema.Levels, t.Level) {
			t.Level = r.Level
		}
		t.Reasons = append(t.Reasons, r.Reason.In(e.opts.Lang))
	}
	return t
}
