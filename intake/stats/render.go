package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// word is one of the report's own texts, in lang.
func word(key, lang string) string {
	id := "statsreport." + strings.ReplaceAll(key, " ", "_")
	if catalog.Has(catalog.Default, id) {
		return catalog.Text(lang, id)
	}
	return key
}

// Label is how a category reads in lang.
func (rep *Report) Label(dim, value, lang string) string {
	if t, ok := rep.labels[dim+":"+value]; ok {
		return t.In(lang)
	}
	switch {
	case value == "" && dim == "source":
		return word("this vault", lang)
	case dim == "triage" || dim == "consent" || value == Unknown:
		return word(value, lang)
	}
	return value
}

// JSON writes the report as JSON.
func (rep *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// CSV writes one line per category: table, category, count (empty when
// withheld), and a total line per table.
func (rep *Report) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"table", "category", "count"})
	for _, t := range rep.Tables {
		for _, c := range t.Rows {
			cw.Write([]string{t.By[0], c.Values[t.By[0]], countText(c.Count, "")})
		}
		cw.Write([]string{t.By[0], "total", countText(t.Total, "")})
	}
	cw.Flush()
	return cw.Error()
}

func countText(n *int, withheld string) string {
	if n == nil {
		return withheld
	}
	return strconv.Itoa(*n)
}

// Text writes the tables for reading in a terminal.
func (rep *Report) Text(w io.Writer, lang string) error {
	fmt.Fprintf(w, "%s\n%s\n", word("title", lang), fmt.Sprintf(word("k", lang), rep.K))
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "\n%s\n", word(t.By[0], lang))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range t.Rows {
			fmt.Fprintf(tw, "  %s\t%s\n", rep.Label(t.By[0], c.Values[t.By[0]], lang), countText(c.Count, word("withheld", lang)))
		}
		fmt.Fprintf(tw, "  %s\t%s\n", word("total", lang), countText(t.Total, word("withheld", lang)))
		tw.Flush()
	}
	_, err := fmt.Fprintf(w, "\n%s\n%s\n", word("withheld_meaning", lang), word("method", lang))
	return err
}

// HTML writes a self-contained, printable page: inline styles and SVG bar
// charts, no script and no file or font from elsewhere.
func (rep *Report) HTML(w io.Writer, lang string) error {
	type bar struct {
		Label, Count string
		Y, Width     int
		Withheld     bool
	}
	type chart struct {
		Title, Total string
		Height       int
		Bars         []bar
	}
	var charts []chart
	for _, t := range rep.Tables {
		c := chart{Title: word(t.By[0], lang), Total: countText(t.Total, word("withheld", lang))}
		most := 1
		for _, r := range t.Rows {
			if r.Count != nil && *r.Count > most {
				most = *r.Count
			}
		}
		for i, r := range t.Rows {
			b := bar{Label: rep.Label(t.By[0], r.Values[t.By[0]], lang), Y: i * 26, Withheld: r.Count == nil,
				Count: countText(r.Count, word("withheld", lang))}
			if r.Count != nil {
				b.Width = max(1, *r.Count*340/most)
			}
			c.Bars = append(c.Bars, b)
		}
		c.Height = len(t.Rows)*26 + 4
		charts = append(charts, c)
	}
	return reportPage.Execute(w, map[string]any{
		"Lang": lang, "Title": word("title", lang), "K": fmt.Sprintf(word("k", lang), rep.K),
		"Meaning": word("withheld_meaning", lang), "Method": word("method", lang),
		"Total": word("total", lang), "Charts": charts,
	})
}

var reportPage = template.Must(template.New("report").Parse(strings.TrimSpace(`
<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 52em; color: #111; }
h1 { font-size: 1.6em; }
section { break-inside: avoid; margin: 1.5em 0; }
h2 { font-size: 1.1em; margin-bottom: .3em; }
svg text { font-size: 13px; fill: #111; }
.bar { fill: #2b6cb0; }
.withheld { fill: #fff; stroke: #888; stroke-dasharray: 4 3; }
.note { color: #444; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } .bar { fill: #333; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="note">{{.K}} {{.Meaning}}</p>
{{range .Charts}}
<section>
<h2>{{.Title}}</h2>
<svg role="img" aria-label="{{.Title}}" width="780" height="{{.Height}}" viewBox="0 0 780 {{.Height}}" xmlns="http://www.w3.org/2000/svg">
{{range .Bars}}<g transform="translate(0,{{.Y}})">
<text x="340" y="17" text-anchor="end">{{.Label}}</text>
{{if .Withheld}}<rect class="withheld" x="350" y="4" width="60" height="18"></rect><text x="420" y="17">{{.Count}}</text>
{{else}}<rect class="bar" x="350" y="4" width="{{.Width}}" height="18"></rect><text x="{{.Width}}" dx="358" y="17">{{.Count}}</text>{{end}}
</g>
{{end}}</svg>
<p class="note">{{$.Total}}: {{.Total}}</p>
</section>
{{end}}
<p class="note">{{.Method}}</p>
</body>
</html>
`)))
