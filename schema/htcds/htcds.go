// Package htcds is the field dictionary of the Human Trafficking Case Data
// Standard 2.0 (IOM/UN): every field's name, type and code list, kept as data
// (fields.tsv, copied from the standard's spreadsheet) so that questionnaires
// can name the HTCDS field each question fills and exports can use the names
// case teams already share.
package htcds

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
)

//go:embed fields.tsv
var fieldsTSV string

// Field is one field of the standard.
type Field struct {
	Name    string   // prs_Gender
	Section string   // Person
	Type    string   // Text, Long Text, Picklist, Multiselect Picklist, Checkbox, Date, Number, ...
	Status  string   // DRAFT or DEPRECATED
	Core    bool     // in the standard's core set
	Codes   []string // the code list of a picklist; empty where the standard gives none
}

// Deprecated reports whether the standard retired the field.
func (f Field) Deprecated() bool { return f.Status == "DEPRECATED" }

// HasCode reports whether code is in the field's code list.
func (f Field) HasCode(code string) bool { return slices.Contains(f.Codes, code) }

// Identifying reports whether a value of the field can pick a person out on
// its own or with little else: names, contact details, an exact address,
// place or birth date, an identity number.
func (f Field) Identifying() bool {
	switch f.Name {
	case "prs_Salutation", "prs_FirstName", "prs_MiddleName", "prs_SecondName", "prs_Title",
		"prs_Birthdate", "prs_IdentityNumber", "prs_Email", "prs_HomePhone", "prs_MobilePhone",
		"prs_MailingStreet", "prs_MailingPostalCode", "prs_MailingCity", "prs_MailingLongitude", "prs_MailingLatitude",
		"hte_Street", "hte_PostalCode", "hte_Longitude", "hte_Latitude":
		return true
	}
	return f.Type == "Long Text" || f.Type == "Text"
}

// aliases are the names the HTCDS toolkit's own XLSForm uses for standard
// fields; they are read as the standard name and never written.
var aliases = map[string]string{
	"prs_First_Name":                        "prs_FirstName",
	"prs_Second_Name":                       "prs_SecondName",
	"vic_Methods_of_Control":                "vic_MethodsOfControl",
	"vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg",
}

var (
	once   sync.Once
	fields []Field
	byName map[string]int
)

func load() {
	for line := range strings.Lines(fieldsTSV) {
		line = strings.TrimRight(line, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		c := strings.Split(line, "\t")
		f := Field{Name: c[0], Section: c[1], Type: c[2], Status: c[3], Core: c[4] == "Core"}
		if c[5] != "-" {
			f.Codes = strings.Split(c[5], ",")
		}
		fields = append(fields, f)
	}
	byName = make(map[string]int, len(fields))
	for i, f := range fields {
		byName[f.Name] = i
	}
}

// Fields returns every field of the standard, in the standard's order.
func Fields() []Field {
	once.Do(load)
	return slices.Clone(fields)
}

// Lookup returns the field with the given name, reading the toolkit's
// variant names as the standard's.
func Lookup(name string) (Field, bool) {
	once.Do(load)
	if std, ok := aliases[name]; ok {
		name = std
	}
	i, ok := byName[name]
	if !ok {
		return Field{}, false
	}
	return fields[i], true
}

// Fits reports whether a question of the given fieldvault type can fill a
// field of the given HTCDS type. A single choice may fill a multiselect
// (one value is a list of one); a multiple choice may not fill a picklist.
func Fits(questionType, fieldType string) bool {
	switch fieldType {
	case "Text", "Picklist or Text":
		return questionType == "text" || questionType == "choice"
	case "Long Text":
		return questionType == "longtext" || questionType == "text"
	case "Picklist":
		return questionType == "choice"
	case "Multiselect Picklist":
		return questionType == "choice" || questionType == "multi"
	case "Checkbox":
		return questionType == "yesno"
	case "Date":
		return questionType == "date"
	case "Number":
		return questionType == "number"
	}
	// A lookup names another organisation or person: in a flat export it
	// is that name, as text or a choice. No question fills a geolocation.
	return strings.HasPrefix(fieldType, "Lookup") && (questionType == "text" || questionType == "choice")
}
