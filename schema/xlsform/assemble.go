package xlsform

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/schema/htcds"
)

// eachText calls fn with every text of the pages; required says whether
// the questionnaire needs it in every language.
func eachText(pages []schema.Page, fn func(where error, t schema.Text, required bool)) {
	for _, p := range pages {
		fn(catalog.Errorf("formimport.where_page_title", p.ID), p.Title, true)
		fn(catalog.Errorf("formimport.where_page_intro", p.ID), p.Intro, false)
		for _, q := range p.Questions {
			fn(catalog.Errorf("formimport.where_label", q.ID), q.Label, true)
			fn(catalog.Errorf("formimport.where_hint", q.ID), q.Help, false)
			fn(catalog.Errorf("formimport.where_check_message", q.ID), q.CheckMessage, false)
			fn(catalog.Errorf("formimport.where_required_message", q.ID), q.RequiredMessage, false)
			for _, o := range q.Options {
				fn(catalog.Errorf("formimport.where_choice_label", q.ID, o.Value), o.Label, true)
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
		return nil, catalog.Errorf("formimport.no_form_id")
	}
	if settings["form_id"] != "" && id != settings["form_id"] {
		im.notices = append(im.notices, Notice{Sheet: "settings", Row: 2, Name: "form_id",
			What: catalog.Errorf("formimport.id_changed", id)})
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
	lacking := map[string]error{}
	filled := map[string]int{}
	eachText(pages, func(where error, t schema.Text, required bool) {
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
				if lacking[l] == nil {
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
		case lacking[l] != nil:
			im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
				What: catalog.Errorf("formimport.lang_lacking", l, lacking[l], l)})
		case !slices.Contains(block.langs, l):
			im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
				What: catalog.Errorf("formimport.lang_no_consent", l, l)})
		default:
			langs = append(langs, l)
			if filled[l] > 0 {
				im.notices = append(im.notices, Notice{Sheet: "survey", Name: l,
					What: catalog.Errorf("formimport.lang_filled", filled[l], l)})
			}
		}
	}
	if len(langs) == 0 {
		return nil, catalog.Errorf("formimport.no_language",
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
	eachText(s.Pages, func(_ error, t schema.Text, _ bool) { prune(t) })
	block.each(func(_ string, t schema.Text) { prune(t) })

	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	parsed, err := schema.Parse(data)
	if err != nil {
		return nil, catalog.Errorf("formimport.importer_fault", err)
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
			var why error
			switch {
			case f.Deprecated():
				why = catalog.Errorf("formimport.htcds_deprecated")
			case !htcds.Fits(q.Type, f.Type):
				why = catalog.Errorf("formimport.htcds_type", q.Type, f.Type)
			case taken[f.Name] != "":
				why = catalog.Errorf("formimport.htcds_taken", taken[f.Name])
			}
			for _, o := range q.Options {
				if why == nil && len(f.Codes) > 0 && !f.HasCode(o.Value) {
					why = catalog.Errorf("formimport.htcds_code", o.Value)
				}
			}
			if why != nil {
				im.unmapped = append(im.unmapped, Notice{Sheet: "survey", Name: q.ID,
					What: catalog.Errorf("formimport.unmapped", q.ID, f.Name, why)})
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
