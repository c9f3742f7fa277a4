package xlsform

import (
	"fmt"
	"slices"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
)

// frame is an open group while pages are made.
type frame struct {
	e       *entry
	cond    *schema.Cond // its relevant, translated
	dropped error        // why everything in it is dropped
	repeat  bool
}

// builder makes pages from the survey's entries in order.
type builder struct {
	im    *importer
	pages []schema.Page
	cur   *schema.Page // the page being filled, or nil
	// curGroup is the top-level group the current page belongs to.
	curGroup *frame
	onPage   map[string]bool // question IDs on the current page
	asked    map[string]bool // question IDs carried so far
	pageIDs  map[string]int
}

// pages lays the form out: each top-level group is a page, a nested group
// a note that titles its section, and questions outside any group share a
// page titled with the form's title.
func (im *importer) pages() []schema.Page {
	b := &builder{im: im, asked: map[string]bool{}, pageIDs: map[string]int{}}
	var stack []*frame
	for _, e := range im.entries {
		switch e.kind {
		case "begin", "beginRepeat":
			f := &frame{e: e, repeat: e.kind == "beginRepeat"}
			if len(stack) > 0 && stack[len(stack)-1].dropped != nil {
				f.dropped = stack[len(stack)-1].dropped
			}
			switch {
			case f.dropped != nil:
			case e.dropped != nil:
				f.dropped = catalog.Errorf("formimport.its_group", e.dropped)
				im.notice(e.row, e.name, "formimport.group_dropped", e.dropped)
			case f.repeat:
				f.dropped = catalog.Errorf("formimport.in_named_repeat", e.name)
				im.notice(e.row, e.name, "formimport.repeat")
			case e.relevant != "":
				c, why := b.translate(e, e.relevant, "")
				if why != nil {
					f.dropped = catalog.Errorf("formimport.group_shown_when", e.name, why)
					im.notice(e.row, e.name, "formimport.group_relevant", why)
				}
				f.cond = c
			}
			stack = append(stack, f)
			if len(stack) == 1 {
				b.close()
				b.curGroup = f
			} else if f.dropped == nil && e.q.Label != nil {
				// A nested group becomes a section: a note with its title.
				b.add(schema.Question{ID: e.id(), Type: schema.TypeNote, Label: e.q.Label, When: b.conds(stack[1:], nil)})
			}
		case "end", "endRepeat":
			if len(stack) == 0 {
				im.notice(e.row, "", "formimport.end_unbegun")
				continue
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				b.close()
				b.curGroup = nil
			}
		default:
			b.question(e, stack)
		}
	}
	b.close()
	return b.pages
}

// question carries one question, or says why it cannot.
func (b *builder) question(e *entry, stack []*frame) {
	drop := func(why error) {
		e.dropped = why
		b.im.notice(e.row, e.name, "formimport.left_out", why)
	}
	for _, f := range slices.Backward(stack) {
		if f.dropped != nil && e.dropped == nil {
			e.dropped = f.dropped
		}
	}
	if e.dropped != nil {
		drop(e.dropped)
		return
	}
	q := e.q
	var own *schema.Cond
	if e.relevant != "" {
		c, why := b.translate(e, e.relevant, "")
		if why != nil {
			drop(catalog.Errorf("formimport.shown_when", why))
			return
		}
		own = c
	}
	if e.constraint != "" {
		c, why := b.translate(e, e.constraint, e.id())
		if why != nil {
			drop(catalog.Errorf("formimport.constraint", why))
			return
		}
		// A check may read only earlier pages, so that each answer can be
		// checked as it is typed: start a new page when it reads one on
		// this page.
		for _, id := range c.Reads() {
			if id != e.id() && b.onPage[id] {
				b.split()
				break
			}
		}
		q.Check = c
	}
	inner := stack
	if len(stack) > 0 {
		inner = stack[1:] // the top-level group's condition is the page's
	}
	q.When = b.conds(inner, own)
	b.add(q)
	b.asked[e.id()] = true
}

// conds joins the conditions of the nested groups and the question's own.
func (b *builder) conds(stack []*frame, own *schema.Cond) *schema.Cond {
	var list []schema.Cond
	for _, f := range stack {
		if f.cond != nil {
			list = append(list, *f.cond)
		}
	}
	if own != nil {
		list = append(list, *own)
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return &list[0]
	}
	return &schema.Cond{All: list}
}

// translate turns an expression into a condition, or says why it cannot:
// it reads something not carried, something asked later, or XPath
// fieldvault does not evaluate.
func (b *builder) translate(e *entry, src, self string) (*schema.Cond, error) {
	x, err := parse(src)
	if err != nil {
		return nil, catalog.Errorf("formimport.expr", src, err)
	}
	for _, name := range x.refs(self) {
		if name == self {
			continue
		}
		r := b.im.byName[name]
		switch {
		case r == nil:
			return nil, catalog.Errorf("formimport.reads_unknown", src, name)
		case r.dropped != nil:
			return nil, catalog.Errorf("formimport.reads_dropped", src, name)
		case r.kind != "question":
			return nil, catalog.Errorf("formimport.reads_no_answer", src, name)
		case !b.asked[r.id()]:
			return nil, catalog.Errorf("formimport.reads_later", src, name)
		}
	}
	t := &translator{
		self: self,
		kinds: func(name string) (string, bool) {
			if name == self {
				return e.q.Type, true
			}
			r := b.im.byName[name]
			if r == nil {
				return "", false
			}
			return r.q.Type, true
		},
		offers: func(name, value string) bool {
			q := &e.q
			if name != self {
				q = &b.im.byName[name].q
			}
			_, ok := q.Option(value)
			return ok
		},
		yes: func(name, value string) (bool, bool) {
			r := b.im.byName[name]
			if r == nil || r.yesName == "" {
				return false, false
			}
			return value == r.yesName, true
		},
	}
	c, err := t.cond(x)
	if err != nil {
		return nil, catalog.Errorf("formimport.expr", src, err)
	}
	// Conditions speak of question IDs, which may differ from names.
	rename(c, func(name string) string {
		if r := b.im.byName[name]; r != nil {
			return r.id()
		}
		return name
	})
	return c, nil
}

func rename(c *schema.Cond, id func(string) string) {
	if c == nil {
		return
	}
	if c.Q != "" {
		c.Q = id(c.Q)
	}
	if c.Count != "" {
		c.Count = id(c.Count)
	}
	if c.Length != "" {
		c.Length = id(c.Length)
	}
	rename(c.Not, id)
	for i := range c.All {
		rename(&c.All[i], id)
	}
	for i := range c.Any {
		rename(&c.Any[i], id)
	}
}

// add puts a question on the current page, opening one if needed.
func (b *builder) add(q schema.Question) {
	if b.cur == nil {
		b.open()
	}
	b.cur.Questions = append(b.cur.Questions, q)
	b.onPage[q.ID] = true
}

func (b *builder) open() {
	id, title := "form", schema.Text(nil)
	var when *schema.Cond
	if g := b.curGroup; g != nil {
		id, title, when = g.e.id(), g.e.q.Label, g.cond
	}
	b.pageIDs[id]++
	if n := b.pageIDs[id]; n > 1 {
		id = fmt.Sprintf("%s_%d", id, n)
	}
	b.cur = &schema.Page{ID: id, Title: title, When: when}
	b.onPage = map[string]bool{}
}

// split ends the current page and opens the next one in the same group.
func (b *builder) split() {
	b.close()
	b.open()
}

// close ends the current page; a page whose questions were all left out
// is not kept.
func (b *builder) close() {
	if b.cur != nil && len(b.cur.Questions) > 0 {
		b.pages = append(b.pages, *b.cur)
	}
	b.cur = nil
}
