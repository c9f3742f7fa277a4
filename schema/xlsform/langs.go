package xlsform

import (
	"regexp"
	"strings"
)

// codeInName finds the code XLSForm puts in parentheses after a language's
// name: "English (en)", "Bahasa Indonesia (id)".
var codeInName = regexp.MustCompile(`\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$`)

// languageNames are the names forms use without a code, mapped to codes.
// A name not here needs its code in parentheses.
var languageNames = map[string]string{
	"english": "en", "indonesian": "id", "bahasa indonesia": "id", "bahasa": "id",
	"french": "fr", "français": "fr", "francais": "fr", "spanish": "es", "español": "es",
	"espanol": "es", "portuguese": "pt", "português": "pt", "arabic": "ar", "swahili": "sw",
	"kiswahili": "sw", "bengali": "bn", "bangla": "bn", "hindi": "hi", "nepali": "ne",
	"burmese": "my", "myanmar": "my", "thai": "th", "vietnamese": "vi", "tagalog": "tl",
	"filipino": "fil", "khmer": "km", "chinese": "zh", "russian": "ru", "ukrainian": "uk",
	"amharic": "am", "tigrinya": "ti", "somali": "so", "hausa": "ha", "tetum": "tet",
	"malay": "ms", "javanese": "jv", "urdu": "ur", "pashto": "ps", "dari": "prs",
	"farsi": "fa", "persian": "fa", "turkish": "tr", "romanian": "ro", "albanian": "sq",
}

// langCode turns the language part of a column name into a code.
func langCode(spec string) (string, bool) {
	spec = strings.TrimSpace(spec)
	if m := codeInName.FindStringSubmatch(spec); m != nil {
		code := m[1]
		if i := strings.IndexByte(code, '-'); i > 0 {
			// The region is kept in its usual case: pt-BR.
			return strings.ToLower(code[:i]) + code[i:], true
		}
		return strings.ToLower(code), true
	}
	code, ok := languageNames[strings.ToLower(spec)]
	return code, ok
}
