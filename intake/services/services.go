// Package services is the service directory: the shelters, clinics, legal
// aid and other services a person can be referred to, as a coordinator
// keeps them in a spreadsheet (CSV or XLSX).
package services

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// Types are the kinds of service, the values of consent.referral: a person
// is referred only to the kinds they agreed to.
var Types = []string{"shelter", "health", "psychosocial", "legal", "protection", "livelihoods", "family", "police"}

// Service is one entry of the directory. Organisation names a contact when
// a partner vault runs the service, and referrals to it travel to that
// vault in bundles.
type Service struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Type         string   `json:"type"`
	Organisation string   `json:"organisation,omitempty"`
	Area         string   `json:"area,omitempty"`
	Languages    []string `json:"languages,omitempty"`
	Phone        string   `json:"phone,omitempty"`
	Hours        string   `json:"hours,omitempty"`
	Notes        string   `json:"notes,omitempty"`
	// From names the partner whose directory listed the service, when it
	// is not this vault's own.
	From string `json:"from,omitempty"`
}

// Columns are the directory's columns, in the order a template has them.
var Columns = []string{"id", "name", "type", "organisation", "area", "languages", "phone", "hours", "notes"}

// aliases are other spellings a spreadsheet may use for a column.
var aliases = map[string]string{"organization": "organisation", "language": "languages", "note": "notes", "telephone": "phone"}

var idRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// Read reads a directory from a CSV or XLSX file, told apart by name.
// Every row is checked; the first mistake is returned, naming its row, and
// nothing is returned with it.
func Read(r io.Reader, name string) ([]Service, error) {
	var rows [][]string
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		all, err := cr.ReadAll()
		if err != nil {
			return nil, catalog.Errorf("services.bad_csv", err)
		}
		rows = all
	case ".xlsx":
		f, err := excelize.OpenReader(r)
		if err != nil {
			return nil, catalog.Errorf("services.bad_xlsx", err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, catalog.Errorf("services.empty")
		}
		if rows, err = f.GetRows(sheets[0]); err != nil {
			return nil, catalog.Errorf("services.bad_xlsx", err)
		}
	default:
		return nil, catalog.Errorf("services.format", name)
	}
	return parse(rows)
}

func parse(rows [][]string) ([]Service, error) {
	for len(rows) > 0 && blank(rows[0]) {
		rows = rows[1:]
	}
	if len(rows) == 0 {
		return nil, catalog.Errorf("services.empty")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		if a, ok := aliases[h]; ok {
			h = a
		}
		switch {
		case h == "":
			continue
		case !slices.Contains(Columns, h):
			return nil, catalog.Errorf("services.unknown_column", rows[0][i], strings.Join(Columns, ", "))
		case col[h] != 0:
			return nil, catalog.Errorf("services.column_twice", h)
		}
		col[h] = i + 1 // 0 means absent
	}
	for _, need := range []string{"id", "name", "type"} {
		if col[need] == 0 {
			return nil, catalog.Errorf("services.missing_column", need)
		}
	}
	get := func(row []string, name string) string {
		if i := col[name] - 1; i >= 0 && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var out []Service
	seen := map[string]int{}
	for n, row := range rows[1:] {
		line := n + 2
		if blank(row) {
			continue
		}
		s := Service{
			ID: get(row, "id"), Name: get(row, "name"), Type: strings.ToLower(get(row, "type")),
			Organisation: get(row, "organisation"), Area: get(row, "area"),
			Phone: get(row, "phone"), Hours: get(row, "hours"), Notes: get(row, "notes"),
		}
		for _, l := range strings.FieldsFunc(get(row, "languages"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			s.Languages = append(s.Languages, strings.ToLower(l))
		}
		switch {
		case !idRe.MatchString(s.ID):
			return nil, catalog.Errorf("services.bad_id", line, s.ID)
		case seen[strings.ToLower(s.ID)] != 0:
			return nil, catalog.Errorf("services.id_twice", line, s.ID, seen[strings.ToLower(s.ID)])
		case s.Name == "":
			return nil, catalog.Errorf("services.no_name", line, s.ID)
		case !slices.Contains(Types, s.Type):
			return nil, catalog.Errorf("services.bad_type", line, s.Type, strings.Join(Types, ", "))
		}
		seen[strings.ToLower(s.ID)] = line
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, catalog.Errorf("services.empty")
	}
	return out, nil
}

func blank(row []string) bool {
	return !slices.ContainsFunc(row, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// Directory is a vault's list of services.
type Directory struct {
	Services []Service `json:"services"`
}

// Encode is the directory as the vault stores it (sealed).
func (d *Directory) Encode() ([]byte, error) { return json.Marshal(d) }

// Decode reads a stored directory; no data is an empty directory.
func Decode(data []byte) (*Directory, error) {
	d := &Directory{}
	if len(data) == 0 {
		return d, nil
	}
	return d, json.Unmarshal(data, d)
}

// Find returns the service with the given ID (case-insensitive).
func (d *Directory) Find(id string) (Service, bool) {
	for _, s := range d.Services {
		if strings.EqualFold(s.ID, id) {
			return s, true
		}
	}
	return Service{}, false
}

// Filter returns the services of type typ and in area (a case-insensitive
// part of the area's name); empty matches every one.
func (d *Directory) Filter(typ, area string) []Service {
	var out []Service
	for _, s := range d.Services {
		if typ != "" && s.Type != typ {
			continue
		}
		if area != "" && !strings.Contains(strings.ToLower(s.Area), strings.ToLower(area)) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Check reads a directory another vault sent and checks every entry as a
// spreadsheet's rows are checked.
func Check(data []byte) (*Directory, error) {
	d, err := Decode(data)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range d.Services {
		switch {
		case !idRe.MatchString(s.ID) || seen[strings.ToLower(s.ID)] || s.Name == "" || !slices.Contains(Types, s.Type):
			return nil, catalog.Errorf("services.bad_entry", s.ID)
		}
		seen[strings.ToLower(s.ID)] = true
	}
	return d, nil
}
