package xlsform

import (
	"bytes"
	"os"
	"testing"
)

// sampleForm uses every construct the importer carries, in English and
// Bahasa Indonesia. Its questionnaire, like the HTCDS toolkit form's, is
// kept in testdata/schema, where the interview's parity test runs every
// path through it with the three runners.
const sampleForm = `
| survey |
|        | type                  | name        | label::English (en)          | label::Bahasa Indonesia (id)      | hint::English (en)  | hint::Bahasa Indonesia (id) | required | relevant                         | constraint              | constraint_message::English (en) | constraint_message::Bahasa Indonesia (id) |
|        | note                  | intro       | A few questions about work   | Beberapa pertanyaan tentang kerja |                     |                             |          |                                  |                         |                                  |                                           |
|        | select_one yn         | worked      | Were you made to work?       | Apakah Anda dipaksa bekerja?      |                     |                             | yes      |                                  |                         |                                  |                                           |
|        | begin_group           | work        | Work                         | Pekerjaan                         |                     |                             |          | ${worked} = 'yes'                |                         |                                  |                                           |
|        | select_multiple kinds | kinds       | What kind of work?           | Pekerjaan apa?                    | Choose all          | Pilih semua                 |          |                                  |                         |                                  |                                           |
|        | integer               | hours       | Hours a day                  | Jam per hari                      |                     |                             |          |                                  | . >= 0 and . <= 24      | From 0 to 24                     | Dari 0 sampai 24                          |
|        | begin_group           | pay         | Pay                          | Upah                              |                     |                             |          | count-selected(${kinds}) >= 1    |                         |                                  |                                           |
|        | select_one yn         | paid        | Were you paid?               | Apakah Anda dibayar?              |                     |                             |          |                                  |                         |                                  |                                           |
|        | decimal               | amount      | How much a month?            | Berapa sebulan?                   |                     |                             |          | selected(${paid}, 'yes')         | . > 0                   | More than 0                      | Lebih dari 0                              |
|        | end_group             |             |                              |                                   |                     |                             |          |                                  |                         |                                  |                                           |
|        | end_group             |             |                              |                                   |                     |                             |          |                                  |                         |                                  |                                           |
|        | text                  | employer    | Name of the employer         | Nama majikan                      |                     |                             |          | ${worked} = 'yes' and not(${hours} > 12) |                |                                  |                                           |
|        | text                  | postcode    | Postcode where you worked    | Kode pos tempat kerja             |                     |                             |          | string-length(${employer}) > 0   | regex(., '^[0-9]{5}$')  | Five digits                      | Lima angka                                |
|        | date                  | left        | When did you leave?          | Kapan Anda pergi?                 |                     |                             |          |                                  |                         |                                  |                                           |
| choices |
|         | list_name | name     | label::English (en) | label::Bahasa Indonesia (id) |
|         | yn        | yes      | Yes                 | Ya                           |
|         | yn        | no       | No                  | Tidak                        |
|         | kinds     | domestic | Domestic work       | Pekerjaan rumah tangga       |
|         | kinds     | fishing  | Fishing             | Perikanan                    |
|         | kinds     | factory  | Factory             | Pabrik                       |
| settings |
|          | form_id     | version | form_title          |
|          | work_sample | 3       | Work and pay        |
`

// TestRealForms imports the HTCDS toolkit form (UNMigration/HTCDS, CC BY
// 4.0) and the sample form, and compares them with the questionnaires kept
// in testdata/schema.
func TestRealForms(t *testing.T) {
	htcds, err := os.ReadFile("../../testdata/forms/htcds_xlsform.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		form []byte
		opts Options
	}{
		{"htcds-xlsform.json", htcds, Options{Name: "htcds_xlsform", Gates: []string{"con_Consent"}}},
		{"xlsform-sample.json", workbook(t, sampleForm), Options{}},
	} {
		res, err := Import(bytes.NewReader(c.form), c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		path := "../../testdata/schema/" + c.file
		if *update {
			if err := os.WriteFile(path, res.JSON, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res.JSON, want) {
			t.Errorf("importing %s gives another questionnaire than %s (run with -update and read the difference)", c.file, path)
		}
	}
}
