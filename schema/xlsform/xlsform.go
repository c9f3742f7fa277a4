// Package xlsform turns an XLSForm — the spreadsheet questionnaires of ODK,
// KoboToolbox and SurveyCTO — into a fieldvault questionnaire that opens
// with fieldvault's consent block, and says what it could not carry instead
// of guessing.
package xlsform

import (
	"archive/zip"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fieldvault/fieldvault/cmd/catalog"
	"github.com/fieldvault/fieldvault/schema"
)

// Notice is one thing of the form that is not carried, and what became of
// it. What is a catalog text (a *catalog.Msg), said in the interface
// language by whoever shows it.
type Notice struct {
	Sheet string
	Row   int // the spreadsheet's row, 1 for the header; 0 for the whole form
	Name  string
	What  error
}

// Msg is the notice as one catalog text, where it is included.
func (n Notice) Msg() *catalog.Msg {
	switch {
	case n.Row > 0 && n.Name != "":
		return &catalog.Msg{ID: "formimport.at_row_name", Args: []any{n.Sheet, n.Row, n.Name, n.What}}
	case n.Row > 0:
		return &catalog.Msg{ID: "formimport.at_row", Args: []any{n.Sheet, n.Row, n.What}}
	case n.Name != "":
		return &catalog.Msg{ID: "formimport.at_name", Args: []any{n.Sheet, n.Name, n.What}}
	}
	return &catalog.Msg{ID: "formimport.at", Args: []any{n.Sheet, n.What}}
}

func (n Notice) String() string { return n.Msg().Error() }

// Options change how a form is imported.
type Options struct {
	// Name names the questionnaire when the form's settings have no
	// form_id: usually the file's name without its extension.
	Name string
	// Gates are names of the form's yes/no questions to make consent
	// gates: a "no" ends the interview.
	Gates []string
	// ConsentText holds translations of the consent block, in the format
	// ConsentText writes.
	ConsentText [][]byte
	// Strict makes every notice an error.
	Strict bool
}

// Result is an imported questionnaire.
type Result struct {
	Schema *schema.Schema
	// JSON is the questionnaire's definition, as schema.Parse reads it.
	JSON    []byte
	Notices []Notice
	// Unmapped are questions named after an HTCDS field that cannot fill
	// it: carried, but exported under their own name. Not a loss, so
	// --strict does not refuse them.
	Unmapped []Notice
}

// StrictError is returned under Options.Strict when something of the form
// would not be carried.
type StrictError struct{ Notices []Notice }

func (e *StrictError) Error() string {
	return catalog.Text(catalog.Default, "formimport.strict", len(e.Notices), e.Notices[0].Msg())
}

// Import reads an XLSForm workbook.
func Import(r io.Reader, opts Options) (*Result, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		if errors.Is(err, zip.ErrFormat) {
			// Every XLSX file is a zip archive; the zip reader's own
			// words would say less than this.
			return nil, catalog.Errorf("formimport.not_zip")
		}
		return nil, catalog.Errorf("formimport.not_xlsx", err)
	}
	defer f.Close()
	sheets := map[string]*sheet{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			return nil, catalog.Errorf("formimport.read_sheet", name, err)
		}
		sheets[strings.ToLower(strings.TrimSpace(name))] = newSheet(strings.ToLower(strings.TrimSpace(name)), rows)
	}
	im := &importer{opts: opts, sheets: sheets}
	return im.run()
}

// sheet is a sheet's rows with its header understood.
type sheet struct {
	name string
	cols []column
	rows [][]string
}

// column is a header: "label::English (en)" is base "label", lang "en".
type column struct {
	base     string
	lang     string // "" for a column without a language
	langSpec string // the header's language part, to report it
}

var aliases = map[string]string{
	"jr:constraintmsg": "constraint_message", "jr:requiredmsg": "required_message",
	"list name": "list_name", "constraint message": "constraint_message",
	"required message": "required_message", "choice filter": "choice_filter",
}

func newSheet(name string, rows [][]string) *sheet {
	s := &sheet{name: name}
	if len(rows) == 0 {
		return s
	}
	for _, h := range rows[0] {
		h = strings.TrimSpace(h)
		base, spec, hasLang := strings.Cut(h, "::")
		base = strings.ToLower(strings.TrimSpace(base))
		if a, ok := aliases[base]; ok {
			base = a
		}
		c := column{base: base}
		if hasLang {
			c.langSpec = strings.TrimSpace(spec)
			c.lang, _ = langCode(spec)
		}
		s.cols = append(s.cols, c)
	}
	s.rows = rows[1:]
	return s
}

// get returns a row's cell in the column without a language named base.
func (s *sheet) get(row []string, base string) string {
	for i, c := range s.cols {
		if c.base == base && c.langSpec == "" && i < len(row) {
			return strings.TrimSpace(row[i])
		}
	}
	return ""
}

// text returns a row's text in every language of column base; def is the
// language of a column without one.
func (s *sheet) text(row []string, base, def string) schema.Text {
	t := schema.Text{}
	for i, c := range s.cols {
		if c.base != base || i >= len(row) || strings.TrimSpace(row[i]) == "" {
			continue
		}
		switch {
		case c.langSpec == "":
			if _, set := t[def]; !set {
				t[def] = strings.TrimSpace(row[i])
			}
		case c.lang != "":
			t[c.lang] = strings.TrimSpace(row[i])
		}
	}
	if len(t) == 0 {
		return nil
	}
	return t
}

// entry is one row of the survey sheet.
type entry struct {
	row        int
	kind       string // "question", "note", "begin", "end", "beginRepeat", "endRepeat"
	name       string
	q          schema.Question
	list       string // a select's choice list
	relevant   string
	constraint string
	dropped    error  // why the question is not carried
	yesName    string // a gate's choice that means yes
}

type importer struct {
	opts     Options
	sheets   map[string]*sheet
	notices  []Notice
	unmapped []Notice
	def      string   // the form's default language
	langs    []string // every language of the form, the default first

	entries []*entry
	byName  map[string]*entry
}

// notice says that something of the survey sheet is not carried: id is a
// catalog text.
func (im *importer) notice(row int, name, id string, args ...any) {
	im.notices = append(im.notices, Notice{Sheet: "survey", Row: row, Name: name, What: catalog.Errorf(id, args...)})
}

func (im *importer) run() (*Result, error) {
	survey := im.sheets["survey"]
	if survey == nil || len(survey.rows) == 0 {
		return nil, catalog.Errorf("formimport.no_survey")
	}
	settings := im.settings()
	im.languages(settings)
	choices, err := im.choices()
	if err != nil {
		return nil, err
	}
	if err := im.read(survey, choices); err != nil {
		return nil, err
	}
	if err := im.gates(); err != nil {
		return nil, err
	}
	pages := im.pages()
	im.sortNotices()
	if len(pages) == 0 {
		if len(im.notices) > 0 {
			return nil, catalog.Errorf("formimport.nothing_carried", im.notices[0].Msg())
		}
		return nil, catalog.Errorf("formimport.no_question")
	}
	s, err := im.assemble(settings, pages)
	if err != nil {
		return nil, err
	}
	im.sortNotices()
	if im.opts.Strict && len(im.notices) > 0 {
		return nil, &StrictError{Notices: im.notices}
	}
	return s, nil
}

// sortNotices puts the notices in the form's order: survey, choices and
// settings, row by row, and what concerns a whole language last.
func (im *importer) sortNotices() {
	rank := map[string]int{"survey": 0, "choices": 1, "settings": 2}
	slices.SortStableFunc(im.notices, func(a, b Notice) int {
		if d := rank[a.Sheet] - rank[b.Sheet]; d != 0 {
			return d
		}
		ra, rb := a.Row, b.Row
		if ra == 0 {
			ra = 1 << 30
		}
		if rb == 0 {
			rb = 1 << 30
		}
		return ra - rb
	})
}

// settings reads the settings sheet's first row.
func (im *importer) settings() map[string]string {
	out := map[string]string{}
	s := im.sheets["settings"]
	if s == nil || len(s.rows) == 0 {
		return out
	}
	for i, c := range s.cols {
		if c.langSpec == "" && i < len(s.rows[0]) {
			out[c.base] = strings.TrimSpace(s.rows[0][i])
		}
	}
	return out
}

// languages finds every language the form's texts are in.
func (im *importer) languages(settings map[string]string) {
	im.def = "en"
	if d := settings["default_language"]; d != "" {
		if code, ok := langCode(d); ok {
			im.def = code
		} else {
			im.notices = append(im.notices, Notice{Sheet: "settings", Row: 2, Name: "default_language",
				What: catalog.Errorf("formimport.default_language", d)})
		}
	}
	im.langs = []string{im.def}
	for _, name := range []string{"survey", "choices"} {
		s := im.sheets[name]
		if s == nil {
			continue
		}
		for _, c := range s.cols {
			if c.langSpec == "" || !textColumn(c.base) {
				continue
			}
			if c.lang == "" {
				im.notices = append(im.notices, Notice{Sheet: name, Row: 1, Name: c.base + "::" + c.langSpec,
					What: catalog.Errorf("formimport.language_no_code", c.langSpec, c.langSpec)})
				continue
			}
			if !slices.Contains(im.langs, c.lang) {
				im.langs = append(im.langs, c.lang)
			}
		}
	}
}

func textColumn(base string) bool {
	switch base {
	case "label", "hint", "constraint_message", "required_message":
		return true
	}
	return false
}

type choice struct {
	name  string
	label schema.Text
}

func (im *importer) choices() (map[string][]choice, error) {
	out := map[string][]choice{}
	s := im.sheets["choices"]
	if s == nil {
		return out, nil
	}
	nameCol := "name"
	if !slices.ContainsFunc(s.cols, func(c column) bool { return c.base == "name" }) {
		nameCol = "value" // older forms
	}
	media := false
	for i, row := range s.rows {
		list, name := s.get(row, "list_name"), s.get(row, nameCol)
		if list == "" && name == "" {
			continue
		}
		if list == "" || name == "" {
			im.notices = append(im.notices, Notice{Sheet: "choices", Row: i + 2, Name: name,
				What: catalog.Errorf("formimport.choice_incomplete")})
			continue
		}
		if slices.ContainsFunc(out[list], func(c choice) bool { return c.name == name }) {
			return nil, catalog.Errorf("formimport.choice_twice", i+2, list, name)
		}
		label := s.text(row, "label", im.def)
		if label == nil {
			label = schema.Text{im.def: name}
		}
		out[list] = append(out[list], choice{name, label})
		if !media && hasMedia(s, row) {
			media = true
			im.notices = append(im.notices, Notice{Sheet: "choices", Row: i + 2, Name: name,
				What: catalog.Errorf("formimport.choice_media")})
		}
	}
	return out, nil
}

func hasMedia(s *sheet, row []string) bool {
	for i, c := range s.cols {
		switch c.base {
		case "media", "image", "audio", "video", "big-image":
			if i < len(row) && strings.TrimSpace(row[i]) != "" {
				return true
			}
		}
	}
	return false
}

// Types fieldvault cannot carry, with what to say of them.
var unsupported = map[string]string{
	"calculate": "formimport.t_calculate", "hidden": "formimport.t_hidden",
	"start": "formimport.t_metadata", "end": "formimport.t_metadata",
	"today": "formimport.t_metadata", "deviceid": "formimport.t_metadata",
	"subscriberid": "formimport.t_metadata", "simserial": "formimport.t_metadata",
	"phonenumber": "formimport.t_metadata", "username": "formimport.t_metadata",
	"email": "formimport.t_metadata", "audit": "formimport.t_metadata",
	"start-geopoint": "formimport.t_metadata", "caseid": "formimport.t_metadata",
	"geopoint": "formimport.t_location", "geotrace": "formimport.t_location",
	"geoshape": "formimport.t_location", "background-geopoint": "formimport.t_location",
	"image": "formimport.t_media", "audio": "formimport.t_media",
	"video": "formimport.t_media", "file": "formimport.t_media",
	"background-audio": "formimport.t_media", "barcode": "formimport.t_barcode",
	"time": "formimport.t_time", "datetime": "formimport.t_datetime",
	"range": "formimport.t_range", "rank": "formimport.t_rank",
	"acknowledge": "formimport.t_acknowledge", "trigger": "formimport.t_acknowledge",
	"select_one_from_file": "formimport.t_file_choices", "select_multiple_from_file": "formimport.t_file_choices",
	"xml-external": "formimport.t_external", "csv-external": "formimport.t_external",
}

// read turns the survey's rows into entries.
func (im *importer) read(s *sheet, choices map[string][]choice) error {
	im.byName = map[string]*entry{}
	repeat := 0 // depth inside repeats
	for i, row := range s.rows {
		e := &entry{row: i + 2, name: s.get(row, "name")}
		typ := strings.Join(strings.Fields(strings.ToLower(s.get(row, "type"))), " ")
		if typ == "" {
			if e.name != "" || s.text(row, "label", im.def) != nil {
				im.notice(e.row, e.name, "formimport.no_type")
			}
			continue
		}
		im.entries = append(im.entries, e)
		typ = strings.Replace(typ, "select one ", "select_one ", 1)
		typ = strings.Replace(typ, "select multiple ", "select_multiple ", 1)
		head, rest, _ := strings.Cut(typ, " ")
		switch {
		case typ == "begin_group" || typ == "begin group":
			e.kind = "begin"
		case typ == "end_group" || typ == "end group":
			e.kind = "end"
		case typ == "begin_repeat" || typ == "begin repeat":
			e.kind, repeat = "beginRepeat", repeat+1
		case typ == "end_repeat" || typ == "end repeat":
			e.kind, repeat = "endRepeat", repeat-1
		default:
			e.kind = "question"
		}
		e.q.Label = s.text(row, "label", im.def)
		e.relevant = s.get(row, "relevant")
		if e.kind != "question" {
			if e.kind == "begin" || e.kind == "beginRepeat" {
				if err := im.name(e); err != nil {
					return err
				}
			}
			continue
		}
		if err := im.name(e); err != nil {
			return err
		}
		e.constraint = s.get(row, "constraint")
		e.q.ID = e.id()
		e.q.Help = s.text(row, "hint", im.def)
		e.q.CheckMessage = s.text(row, "constraint_message", im.def)
		e.q.RequiredMessage = s.text(row, "required_message", im.def)
		switch req := strings.ToLower(s.get(row, "required")); req {
		case "yes", "true", "1", "true()":
			e.q.Required = true
		case "", "no", "false", "0", "false()":
		default:
			im.notice(e.row, e.name, "formimport.required_some", req)
		}
		if !e.q.Required {
			e.q.RequiredMessage = nil
		}
		if e.constraint == "" {
			e.q.CheckMessage = nil
		}
		if repeat > 0 {
			e.dropped = catalog.Errorf("formimport.in_repeat")
			continue
		}
		switch head {
		case "text":
			e.q.Type = schema.TypeText
			if strings.Contains(strings.ToLower(s.get(row, "appearance")), "multiline") {
				e.q.Type = schema.TypeLongText
			}
		case "integer", "int":
			e.q.Type, e.q.Integer = schema.TypeNumber, true
		case "decimal":
			e.q.Type = schema.TypeNumber
		case "date":
			e.q.Type = schema.TypeDate
		case "note":
			e.q.Type, e.q.Required = schema.TypeNote, false
			e.kind = "note"
		case "select_one", "select_multiple":
			e.q.Type = schema.TypeChoice
			if head == "select_multiple" {
				e.q.Type = schema.TypeMulti
			}
			list, other, _ := strings.Cut(rest, " ")
			switch {
			case other != "":
				e.dropped = catalog.Errorf("formimport.or_other", other)
			case len(choices[list]) == 0:
				e.dropped = catalog.Errorf("formimport.no_list", list)
			}
			e.list = list
			for _, c := range choices[list] {
				e.q.Options = append(e.q.Options, schema.Option{Value: c.name, Label: c.label})
			}
		default:
			if why, ok := unsupported[head]; ok {
				e.dropped = catalog.Errorf(why)
			} else {
				e.dropped = catalog.Errorf("formimport.type_unsupported", typ)
			}
		}
		switch {
		case e.dropped != nil:
		case s.get(row, "choice_filter") != "":
			e.dropped = catalog.Errorf("formimport.choice_filter")
		case s.get(row, "calculation") != "":
			e.dropped = catalog.Errorf("formimport.calculation")
		case s.get(row, "trigger") != "":
			e.dropped = catalog.Errorf("formimport.trigger")
		case slices.Contains([]string{"yes", "true", "1", "true()"}, strings.ToLower(s.get(row, "read_only"))):
			e.dropped = catalog.Errorf("formimport.read_only")
		case hasMedia(s, row):
			e.dropped = catalog.Errorf("formimport.media")
		}
		if d := s.get(row, "default"); d != "" && e.dropped == nil {
			im.notice(e.row, e.name, "formimport.default_answer", d)
		}
		if e.q.Label == nil && e.dropped == nil {
			e.q.Label = schema.Text{im.def: e.name}
			im.notice(e.row, e.name, "formimport.no_label")
		}
	}
	return nil
}

// name checks an entry's name and indexes it. A name that cannot be a
// question ID leaves its question out; a name used twice, or one of the
// consent block's, is an error in the form.
func (im *importer) name(e *entry) error {
	if e.name == "" {
		e.dropped = catalog.Errorf("formimport.no_name")
		return nil
	}
	if _, dup := im.byName[e.name]; dup {
		return catalog.Errorf("formimport.name_twice", e.row, e.name)
	}
	if consentIDs()[e.name] {
		return catalog.Errorf("formimport.name_consent", e.row, e.name)
	}
	im.byName[e.name] = e
	if clean := strings.ReplaceAll(e.name, "-", "_"); clean != e.name && schema.ValidQuestionID(clean) && im.byName[clean] == nil {
		im.notice(e.row, e.name, "formimport.name_dashes", clean)
		e.q.ID = clean
	} else if !schema.ValidQuestionID(e.name) {
		e.dropped = catalog.Errorf("formimport.name_invalid", e.name)
	}
	return nil
}

// id is the question ID of an entry.
func (e *entry) id() string {
	if e.q.ID != "" {
		return e.q.ID
	}
	return e.name
}

var yesNames = []string{"yes", "y", "true", "1", "oui", "ya", "si", "sí"}
var noNames = []string{"no", "n", "false", "0", "non", "tidak"}

// gates turns the questions named by --gate into consent gates.
func (im *importer) gates() error {
	for _, name := range im.opts.Gates {
		e := im.byName[name]
		if e == nil || e.kind != "question" {
			return catalog.Errorf("formimport.gate_unknown", name, name)
		}
		if e.dropped != nil {
			return catalog.Errorf("formimport.gate_dropped", name, e.dropped)
		}
		if e.q.Type != schema.TypeChoice || len(e.q.Options) != 2 {
			return catalog.Errorf("formimport.gate_shape", name)
		}
		for _, o := range e.q.Options {
			switch v := strings.ToLower(o.Value); {
			case slices.Contains(yesNames, v):
				e.yesName = o.Value
			case slices.Contains(noNames, v):
			default:
				return catalog.Errorf("formimport.gate_choice", name, o.Value)
			}
		}
		if e.yesName == "" {
			return catalog.Errorf("formimport.gate_shape", name)
		}
		e.q.Type, e.q.Options, e.q.Required, e.q.Gate = schema.TypeYesNo, nil, true, true
	}
	return nil
}
