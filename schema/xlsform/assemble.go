package xlsform

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/schema/htcds"
)

// eachText calls fn with every text of the pages; required says whether
// the questionnaire needs it in every language.
func eachText(pages []schema.Page, fn func(where string, t schema.Text, required bool)) {
	for _, p := range pages {
		fn("the title of page "+p.ID, p.Title, true)
		fn("the introduction of page "+p.ID, p.Intro, false)
		for _, q := range p.Questions {
			fn("the label of "+q.ID, q.Label, true)
			fn("the hint of "+q.ID, q.Help, false)
			fn("the constraint message of "+q.ID, q.CheckMessage, false)
			fn("the required message of "+q.ID, q.RequiredMessage, false)
			for _, o := range q.Options {
				fn(fmt.Sprintf("the label of %s's choice %s", q.ID, o.Value), o.Label, true)
			}
		}
	}
}

var idChars = regexp.MustCompile(`[^a-z0-9-]+`)

// questionnaireID makes a questionnaire ID of a form_id or a file name.
func questionnaireID(s string) string {
	id := strings.Trim(idChars.ReplaceAllString(strings.ToLower(strings.ReplaceAll(s, "_", "-")), "-"), "-")
	if len(id) > 63 {
		id = strings.TrimRight(id[:63], "-")
	}
	return id
}

// assemble puts the consent block before the form's pages, keeps the
// languages that have both, and checks the result as any questionnaire.
func (im *importer) assemble(settings map[string]string, pages []schema.Page) (*Result, error) {
	block, err := consentBlock(im.opts.ConsentText)
	if err != nil {
		return nil, err
	}
	id := questionnaireID(settings["form_id"])
	if id == "" {
		id = questionnaireID(im.opts.Name)
	}
	if id == "" {
		return nil, fmt.Errorf("the form has no form_id in its settings sheet; add one")
	}
	if settings["form_id"] != "" && id != settings["form_id"] {
		im.notices = append(im.notices, Notice{Sheet: "settings", Row: 2, Name: "form_id",
			What: fmt.Sprintf("the questionnaire's ID is %s: lowercase letters, digits and dashes", id)})
	}
	title := settings["form_title"]
	if title == "" {
		title = settings["form_id"]
	}
	if title == "" {
		title = im.opts.Name
	}
	version := settings["version"]
	if version == "" {
		version = "1"
	}

	// A page without a title (questions outside any group, or a group
	// without a label) takes the form's.
	for i := range pages {
		if pages[i].Title == nil {
			pages[i].Title = schema.Text{}
			for _, l := range im.langs {
				pages[i].Title[l] = title
			}
		}
	}
	// Which languages have every text a person must see?
	lacking := map[string]string{}
	filled := map[string]int{}
	eachText(pages, func(where string, t schema.Text, required bool) {
		if t == nil {
			return
		}
		for _, l := range im.langs {
			if strings.TrimSpace(t[l]) != "" {
				continue
			}
			switch {
			case required && t[im.def] == "" && l == im.def:
				// Only a choice or page could lack its default text;
				// anything else has its name by now.
				t[l] = firstText(t)
			case required:
				if lacking[l] == "" {
					lacking[l] = where
				}
			default:
				// A hint or message missing in one language is shown in
				// the default one (or any that has it), and said.
				from := t[im.def]
				if from == "" {
					from = firstText(t)
				}
				t[l] = from
				filled[l]++
			}
		}
	})
	var langs []string
	for _, l := range im.langs {
		switch {
		case lacking[l] != "":
			im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
				What: fmt.Sprintf("the form's %s texts are left out: %s has none in %s, and the interview cannot mix languages", l, lacking[l], l)})
		case !slices.Contains(block.langs, l):
			im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
				What: fmt.Sprintf("the form's %s texts are left out: the consent block has no %s translation; write one with 'fieldvault schema consent-text --lang en' and give it with --consent-text", l, l)})
		default:
			langs = append(langs, l)
			if filled[l] > 0 {
				im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
					What: fmt.Sprintf("%d hints or messages have no %s text and are shown in another of the form's languages", filled[l], l)})
			}
		}
	}
	if len(langs) == 0 {
		return nil, fmt.Errorf("no language of the form (%s) has both complete texts and a consent block (%s); give a translation of the consent block with --consent-text",
			strings.Join(im.langs, ", "), strings.Join(block.langs, ", "))
	}

	im.mapHTCDS(pages, block.page)

	s := schema.Schema{
		ID: id, Version: version, Languages: langs,
		Title:   schema.Text{},
		Consent: schema.Consent{Script: block.script},
		Pages:   append([]schema.Page{block.page}, pages...),
		Triage:  schema.Triage{Default: schema.LevelSoon, Rules: block.rules},
	}
	for _, l := range langs {
		s.Title[l] = title
	}
	// Every text keeps only the questionnaire's languages.
	prune := func(t schema.Text) {
		for l := range t {
			if !slices.Contains(langs, l) {
				delete(t, l)
			}
		}
	}
	eachText(s.Pages, func(_ string, t schema.Text, _ bool) { prune(t) })
	block.each(func(_ string, t schema.Text) { prune(t) })

	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	parsed, err := schema.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("the imported questionnaire is not valid, which is a fault of the importer; please report it with the form: %w", err)
	}
	return &Result{Schema: parsed, JSON: data, Notices: im.notices, Unmapped: im.unmapped}, nil
}

// mapHTCDS names the HTCDS field of every question whose name is one (or
// the HTCDS toolkit's spelling of one), so that a form built on the standard
// exports under the standard's names; a question that cannot fill its
// namesake is kept under its own name, and said.
func (im *importer) mapHTCDS(pages []schema.Page, block schema.Page) {
	taken := map[string]string{}
	for _, q := range block.Questions {
		if q.HTCDS != "" {
			taken[q.HTCDS] = q.ID
		}
	}
	for p := range pages {
		for i := range pages[p].Questions {
			q := &pages[p].Questions[i]
			f, ok := htcds.Lookup(q.ID)
			if !ok || q.Type == schema.TypeNote {
				continue
			}
			why := ""
			switch {
			case f.Deprecated():
				why = "it is deprecated in HTCDS 2.0"
			case !htcds.Fits(q.Type, f.Type):
				why = fmt.Sprintf("a %s question cannot fill a %s field", q.Type, f.Type)
			case taken[f.Name] != "":
				why = "the question " + taken[f.Name] + " fills it"
			}
			for _, o := range q.Options {
				if why == "" && len(f.Codes) > 0 && !f.HasCode(o.Value) {
					why = fmt.Sprintf("its choice %q is not a code of the field", o.Value)
				}
			}
			if why != "" {
				im.unmapped = append(im.unmapped, Notice{Sheet: "survey", Name: q.ID,
					What: fmt.Sprintf("exported as fv_%s, not as HTCDS's %s: %s", q.ID, f.Name, why)})
				continue
			}
			q.HTCDS, q.Identifying = f.Name, f.Identifying() && q.Type != schema.TypeText && q.Type != schema.TypeLongText
			taken[f.Name] = q.ID
		}
	}
}

func firstText(t schema.Text) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}
