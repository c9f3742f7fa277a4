package intake

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fieldvault/fieldvault/schema"
)

// ErrInputEnded is returned when standard input ends mid-interview. Pages
// already completed are saved.
var ErrInputEnded = errors.New("the input ended before the interview was finished")

// Plain is the accessible runner: numbered, line-by-line prompts on plain
// input and output, for screen readers, basic terminals and piped input.
// It reads a line at a time and never redraws the screen.
type Plain struct {
	In  io.Reader
	Out io.Writer
	// Save is called after every completed page and at the end, so that a
	// killed process loses at most the page being typed.
	Save func() error
	// Lines, if set, is where lines are read from instead of In: a program
	// that reads its own lines before and after the interview (the
	// accessible home menu) shares one reader with it, so no line typed
	// for one is taken by the other.
	Lines *Lines
}

// Lines reads lines in the background, so that a blocked read does not keep
// Ctrl+C from being handled. One Lines serves every reader of an input.
type Lines struct {
	ch chan lineOrErr
}

type lineOrErr struct {
	line string
	err  error
}

// NewLines starts reading r a line at a time.
func NewLines(r io.Reader) *Lines {
	l := &Lines{ch: make(chan lineOrErr)}
	go func() {
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if err != nil && line != "" {
				err = nil
			}
			l.ch <- lineOrErr{strings.TrimRight(line, "\r\n"), err}
			if err != nil {
				return
			}
		}
	}()
	return l
}

// Read returns the next line, ErrInputEnded at the end of the input, or
// ctx's error once it is cancelled.
func (l *Lines) Read(ctx context.Context) (string, error) {
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r, ok := <-l.ch:
		if !ok || r.err == io.EOF {
			l.ch = closedLines
			return "", ErrInputEnded
		}
		if r.err != nil {
			l.ch = closedLines
		}
		return r.line, r.err
	}
}

// closedLines answers every read after the input ended.
var closedLines = func() chan lineOrErr {
	ch := make(chan lineOrErr)
	close(ch)
	return ch
}()

// Run asks every page of e until the interview is done, stopped, or ctx is
// cancelled (Ctrl+C), and then prints the summary.
func (p *Plain) Run(ctx context.Context, e *Engine) error {
	lang := e.Lang()
	if e.State().Consent == nil && len(e.State().History) == 0 {
		p.printf("%s\n\n%s\n\n", text(lang, msgConsentScript), e.Schema().Consent.Script.In(lang))
	}
	p.printf("%s\n", text(lang, msgCommands))
	for !e.Done() {
		if err := p.page(ctx, e); err != nil {
			return err
		}
		if err := p.save(); err != nil {
			return err
		}
	}
	p.printf("\n%s", e.Summary())
	return nil
}

func (p *Plain) save() error {
	if p.Save == nil {
		return nil
	}
	return p.Save()
}

func (p *Plain) readLine(ctx context.Context) (string, error) {
	if p.Lines == nil {
		p.Lines = NewLines(p.In)
	}
	return p.Lines.Read(ctx)
}

func (p *Plain) printf(format string, args ...any) { fmt.Fprintf(p.Out, format, args...) }

// errBack and errStop are the commands a person can type at any question.
var (
	errBack = errors.New("back")
	errStop = errors.New("stop")
)

// page asks the questions of the current page one by one, then submits it.
func (p *Plain) page(ctx context.Context, e *Engine) error {
	lang := e.Lang()
	pg := e.Page()
	n, total := e.Progress()
	p.printf("\n"+text(lang, msgPage)+"\n", n, total, pg.Title.In(lang))
	if pg.Intro != nil {
		p.printf("%s\n", pg.Intro.In(lang))
	}
	answers := map[string]Answer{}
	num := 0
	for qs := e.Next(answers); len(qs) > 0; qs = e.Next(answers) {
		for _, q := range qs {
			num++
			if q.Type == schema.TypeNote {
				p.printf("\n%s\n", q.Label.In(e.TextLang(q)))
				answers[q.ID] = Answer{Skipped: true}
				continue
			}
			a, err := p.question(ctx, e, q, num)
			switch {
			case errors.Is(err, errBack):
				if !e.Back() {
					p.printf("%s\n", text(lang, msgFirstPage))
				}
				return nil
			case errors.Is(err, errStop):
				e.Stop()
				return nil
			case err != nil:
				return err
			}
			answers[q.ID] = a
		}
	}
	alerts, err := e.Submit(answers)
	if err != nil {
		// The questions were validated one by one, so this is a bug;
		// ask the page again rather than lose answers.
		p.printf(text(lang, msgTryAgain)+"\n", err)
		return nil
	}
	for _, a := range alerts {
		p.printf("\n!! %s: %s\n", text(e.WorkerLang(), msgAlert), a.Text)
	}
	return nil
}

// question asks one question until it gets a valid answer or a command.
// A question asked again (after /back) offers its earlier answer: Enter
// keeps it, /skip skips it.
func (p *Plain) question(ctx context.Context, e *Engine, q *schema.Question, num int) (Answer, error) {
	lang := e.TextLang(q)
	opts := e.options(q)
	earlier, hasEarlier := e.st.Answers[q.ID]
	for {
		label := q.Label.In(lang)
		if q.Required {
			label += " " + text(lang, msgRequiredMark)
		}
		p.printf("\n%s\n", wrapLine(fmt.Sprintf("%d. %s", num, label), lineWidth, "   "))
		if q.Help != nil {
			p.printf("%s\n", wrapLine("   "+q.Help.In(lang), lineWidth, "   "))
		}
		if q.Type == schema.TypeMulti {
			p.printf("   0) %s\n", text(lang, msgNone))
		}
		for i, o := range opts {
			p.printf("%s\n", wrapLine(fmt.Sprintf("   %d) %s", i+1, o.label), lineWidth, "      "))
		}
		p.printf("%s\n", wrapLine("   "+howTo(lang, q), lineWidth, "   "))
		if hasEarlier {
			p.printf("%s\n", wrapLine("   "+fmt.Sprintf(text(lang, msgKeepEarlier), shownAnswer(lang, q, opts, earlier)), lineWidth, "   "))
		}
		p.printf("> ")
		line, err := p.readLine(ctx)
		if err != nil {
			return Answer{}, err
		}
		line = strings.TrimSpace(line)
		if line == "" && hasEarlier {
			return Answer{Value: earlier}, nil
		}
		switch strings.ToLower(line) {
		case "/skip", "/lewati":
			if !q.Required {
				return Answer{Skipped: true}, nil
			}
			p.printf(text(lang, msgTryAgain)+"\n", capitalize(requiredErr(q).Reason(lang))+".")
			continue
		case "/back", "/kembali":
			return Answer{}, errBack
		case "/stop", "/berhenti":
			p.printf("%s\n> ", text(lang, msgConfirmStop))
			confirm, err := p.readLine(ctx)
			if err != nil {
				return Answer{}, err
			}
			if v, ok := parseYesNo(confirm); ok && v {
				return Answer{}, errStop
			}
			continue
		case "":
			if !q.Required {
				return Answer{Skipped: true}, nil
			}
			p.printf(text(lang, msgTryAgain)+"\n", capitalize(requiredErr(q).Reason(lang))+".")
			continue
		}
		v, msg := e.checkTyped(q, opts, line)
		if msg != "" {
			p.printf(text(lang, msgTryAgain)+"\n", capitalize(strings.TrimSuffix(msg, "."))+".")
			continue
		}
		return Answer{Value: v}, nil
	}
}

// lineWidth is where the accessible runner wraps its lines: a screen
// reader reads them whole, and a basic terminal does not break words.
const lineWidth = 78

// wrapLine breaks s at spaces so that no line is longer than width (a
// single longer word stays whole); lines after the first begin with indent.
func wrapLine(s string, width int, indent string) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Split(s, " ") {
		switch {
		case i == 0:
		case n+1+len([]rune(w)) > width:
			b.WriteString("\n" + indent)
			n = len([]rune(indent))
			if w == "" {
				continue
			}
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len([]rune(w))
	}
	return b.String()
}

// shownAnswer is an earlier answer as the person gave it: the option's
// number and label, yes or no, or the text.
func shownAnswer(lang string, q *schema.Question, opts []choice, v any) string {
	label := func(value string) string {
		for i, o := range opts {
			if o.value == value {
				return fmt.Sprintf("%d) %s", i+1, o.label)
			}
		}
		return value
	}
	switch x := v.(type) {
	case bool:
		if x {
			return text(lang, msgYes)
		}
		return text(lang, msgNo)
	case string:
		if q.Type == schema.TypeChoice {
			return label(x)
		}
		return x
	case []string:
		if len(x) == 0 {
			return "0) " + text(lang, msgNone)
		}
		var parts []string
		for _, s := range x {
			parts = append(parts, label(s))
		}
		return strings.Join(parts, ", ")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// choice is one numbered option as shown.
type choice struct {
	value string
	label string
}

// options lists a question's choices in the interview's language; for
// consent.share they are the vault's contacts.
func (e *Engine) options(q *schema.Question) []choice {
	var out []choice
	if q.OptionsFrom == schema.OptionsFromContacts {
		for _, c := range e.opts.Contacts {
			out = append(out, choice{c, c})
		}
		return out
	}
	for _, o := range q.Options {
		out = append(out, choice{o.Value, o.Label.In(e.TextLang(q))})
	}
	return out
}

func howTo(lang string, q *schema.Question) string {
	switch q.Type {
	case schema.TypeYesNo:
		return text(lang, msgHowYesNo)
	case schema.TypeChoice:
		return text(lang, msgHowChoice)
	case schema.TypeMulti:
		return text(lang, msgHowMulti)
	case schema.TypeNumber:
		return text(lang, msgHowNumber)
	case schema.TypeDate:
		return text(lang, msgHowDate)
	}
	return text(lang, msgHowText)
}

// checkTyped turns a typed line into a valid answer, or says in the
// interview's language why it is not one. Both terminal runners use it.
func (e *Engine) checkTyped(q *schema.Question, opts []choice, line string) (any, string) {
	v, msg := parseTyped(q, opts, line, e.opts.Lang)
	if msg != "" {
		return nil, msg
	}
	v, err := e.normalize(q, v)
	var ae *AnswerError
	switch {
	case errors.As(err, &ae):
		return nil, ae.Reason(e.opts.Lang)
	case err != nil:
		return nil, err.Error()
	}
	return v, ""
}

// parseTyped turns a typed line into an answer value, or says why it can't.
func parseTyped(q *schema.Question, opts []choice, line, lang string) (any, string) {
	switch q.Type {
	case schema.TypeYesNo:
		if v, ok := parseYesNo(line); ok {
			return v, ""
		}
		return nil, text(lang, msgHowYesNo)
	case schema.TypeNumber:
		f, err := strconv.ParseFloat(strings.Replace(line, ",", ".", 1), 64)
		if err != nil {
			return nil, text(lang, msgWantNumber)
		}
		return f, ""
	case schema.TypeChoice:
		i, err := strconv.Atoi(line)
		if err != nil || i < 1 || i > len(opts) {
			return nil, fmt.Sprintf(text(lang, msgHowChoice)+" (1-%d)", len(opts))
		}
		return opts[i-1].value, ""
	case schema.TypeMulti:
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
		out := []string{}
		for _, f := range fields {
			i, err := strconv.Atoi(f)
			if err != nil || i < 0 || i > len(opts) {
				return nil, fmt.Sprintf(text(lang, msgHowMulti)+" (0-%d)", len(opts))
			}
			if i > 0 {
				out = append(out, opts[i-1].value)
			}
		}
		return out, ""
	}
	return line, ""
}

// parseYesNo accepts yes and no in English and Bahasa Indonesia.
func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes", "ya", "iya":
		return true, true
	case "n", "no", "t", "tidak", "tdk", "nggak", "gak":
		return false, true
	}
	return false, false
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
