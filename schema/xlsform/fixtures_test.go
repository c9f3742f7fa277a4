package xlsform

// fixtures are forms in pyxform's markdown style, one per construct the
// importer carries and one per thing it refuses; each has a golden file in
// testdata with what it becomes.
var fixtures = []struct {
	name string
	md   string
	opts Options
}{
	{name: "types", md: `
| survey |
|        | type              | name     | label            | appearance | my_column |
|        | text              | city     | City             |            | ignored   |
|        | text              | story    | Your story       | multiline  |           |
|        | integer           | age      | Age              |            |           |
|        | decimal           | weight   | Weight in kg     |            |           |
|        | select_one yn     | safe     | Do you feel safe?|            |           |
|        | select one yn     | food     | Have you eaten?  |            |           |
|        | select_multiple needs | needs | What do you need? |          |           |
|        | date              | arrived  | Arrival date     |            |           |
|        | note              | thanks   | Thank you.       |            |           |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
|         | needs     | food | Food  |
|         | needs     | bed  | A bed |
| settings |
|          | form_id     | version | form_title    |
|          | Needs_Check | 2026.1  | A needs check |
`},
	{name: "groups", md: `
| survey |
|        | type        | name    | label         | relevant          |
|        | text        | before  | Before        |                   |
|        | begin_group | home    | At home       | ${before} != ''   |
|        | text        | street  | Street        |                   |
|        | begin group | kids    | Children      | ${street} = 'x'   |
|        | integer     | n_kids  | How many?     |                   |
|        | end group   |         |               |                   |
|        | end_group   |         |               |                   |
|        | begin_group | nolabel |               |                   |
|        | text        | inside  | Inside        |                   |
|        | end_group   |         |               |                   |
|        | text        | after   | After         |                   |
`},
	{name: "languages", md: `
| survey |
|        | type    | name | label::English (en) | label::Bahasa Indonesia (id) | label::french | hint::English (en) | hint::Bahasa Indonesia (id) | label::Klingon |
|        | text    | name | Name                | Nama                         | Nom           | As you like        | Sesuka Anda                 | pong           |
|        | integer | age  | Age                 | Umur                         | Âge           | In years           |                             |                |
| settings |
|          | form_id | default_language     |
|          | langs   | Bahasa Indonesia (id) |
`},
	{name: "required", md: `
| survey |
|        | type | name | label | required | required_message::English (en) | required_message::Bahasa Indonesia (id) | label::Bahasa Indonesia (id) |
|        | text | a    | A     | yes      | Please answer A                 | Tolong jawab A                          | A                            |
|        | text | b    | B     | TRUE     |                                 |                                         | B                            |
|        | text | c    | C     | 1        |                                 |                                         | C                            |
|        | text | d    | D     | true()   |                                 |                                         | D                            |
|        | text | e    | E     | no       | Ignored when not required       |                                         | E                            |
|        | text | f    | F     | ${a} = 'x' |                               |                                         | F                            |
`},
	{name: "relevant", md: `
| survey |
|        | type                  | name  | label   | relevant |
|        | select_one yn         | a     | A?      |          |
|        | select_multiple needs | m     | Needs?  |          |
|        | text                  | t     | T       |          |
|        | integer               | n     | N       |          |
|        | text                  | r1    | R1      | ${a} = 'yes' |
|        | text                  | r2    | R2      | selected(${m}, 'food') |
|        | text                  | r3    | R3      | count-selected(${m}) >= 2 |
|        | text                  | r4    | R4      | string-length(${t}) > 3 |
|        | text                  | r5    | R5      | not(${a} = 'no') and (${n} > 5 or ${n} < -1) |
|        | text                  | r6    | R6      | ${t} != '' |
|        | text                  | r7    | R7      | 'yes' = ${a} |
|        | text                  | r8    | R8      | ${n} <= '10' and ${t} |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
|         | needs     | food | Food  |
|         | needs     | bed  | A bed |
|         | needs     | call | A call |
`},
	{name: "constraints", md: `
| survey |
|        | type    | name  | label | constraint                   | constraint_message            |
|        | integer | age   | Age   | . >= 0 and . <= 120          | An age from 0 to 120          |
|        | text    | year  | Year  | regex(., '^[0-9]{4}$')       | Four digits                   |
|        | text    | code  | Code  | string-length(.) <= 10       |                               |
|        | integer | older | Older | . > ${age}                   | Older than the age given      |
|        | text    | plain | Plain |                              | A message without a constraint |
|        | select_one yn | adult | Adult? |                        |                               |
|        | integer | kids  | Kids  | . = 0 or ${adult} = 'yes'    | Only an adult has children here |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
`},
	{name: "refusals", md: `
| survey |
|        | type                | name     | label      | relevant        | choice_filter | media::image | default | calculation |
|        | start               | start    |            |                 |               |              |         |             |
|        | today               | today    |            |                 |               |              |         |             |
|        | deviceid            | deviceid |            |                 |               |              |         |             |
|        | text                | keep     | Kept       |                 |               |              | hello   |             |
|        | calculate           | total    |            |                 |               |              |         | 1 + 1       |
|        | text                | uses_calc| Uses calc  | ${total} > 1    |               |              |         |             |
|        | select_one yn       | filtered | Filtered   |                 | name = 'yes'  |              |         |             |
|        | geopoint            | where    | Where?     |                 |               |              |         |             |
|        | image               | photo    | Photo      |                 |               |              |         |             |
|        | text                | pic      | With a picture |             |               | a.png        |         |             |
|        | time                | when     | When?      |                 |               |              |         |             |
|        | select_one yn or_other | other | Other?     |                 |               |              |         |             |
|        | text                | forward  | Forward    | ${later} = 'x'  |               |              |         |             |
|        | text                | later    | Later      |                 |               |              |         |             |
|        | text                | arith    | Arithmetic | ${keep} + 1 > 3 |               |              |         |             |
|        | text                | func     | Function   | today() > ${keep} |             |              |         |             |
|        | text                | ghost    | Ghost      | ${nobody} = 'x' |               |              |         |             |
|        | text                | chain    | Chain      | ${uses_calc} != '' |            |              |         |             |
|        | begin_repeat        | kids     | Children   |                 |               |              |         |             |
|        | text                | kid_name | Name       |                 |               |              |         |             |
|        | end_repeat          |          |            |                 |               |              |         |             |
|        | begin_group         | g        | Group      | ${total} = 2    |               |              |         |             |
|        | text                | in_g     | In group   |                 |               |              |         |             |
|        | end_group           |          |            |                 |               |              |         |             |
|        | text                | last     | Last       |                 |               |              |         |             |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
`},
	{name: "strict", opts: Options{Strict: true}, md: `
| survey |
|        | type      | name  | label |
|        | start     | start |       |
|        | text      | a     | A     |
|        | calculate | c     |       |
`},
	{name: "consent-language-missing", md: `
| survey |
|        | type | name | label::English (en) | label::Tetum (tet) |
|        | text | a    | Name                | Naran              |
`},
	{name: "consent-language-only", md: `
| survey |
|        | type | name | label::Tetum (tet) |
|        | text | a    | Naran              |
| settings |
|          | default_language |
|          | Tetum (tet)      |
`},
	{name: "language-incomplete", md: `
| survey |
|        | type | name | label::English (en) | label::Bahasa Indonesia (id) |
|        | text | a    | Name                | Nama                         |
|        | text | b    | Age                 |                              |
`},
	{name: "gate", opts: Options{Gates: []string{"con_Consent"}}, md: `
| survey |
|        | type               | name        | label               | relevant               |
|        | select_one consent | con_Consent | Do you consent?     |                        |
|        | text               | prs_Name    | Name                | ${con_Consent} = 'TRUE' |
|        | text               | why         | Why not?            | ${con_Consent} != 'TRUE' |
| choices |
|         | list_name | name  | label |
|         | consent   | TRUE  | Yes   |
|         | consent   | FALSE | No    |
`},
	{name: "gate-not-yes-no", opts: Options{Gates: []string{"color"}}, md: `
| survey |
|        | type             | name  | label |
|        | select_one color | color | Color |
| choices |
|         | list_name | name | label |
|         | color     | red  | Red   |
|         | color     | blue | Blue  |
`},
	{name: "gate-unknown", opts: Options{Gates: []string{"nope"}}, md: `
| survey |
|        | type | name | label |
|        | text | a    | A     |
`},
	{name: "no-survey", md: `
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
`},
	{name: "duplicate-name", md: `
| survey |
|        | type | name | label |
|        | text | a    | A     |
|        | text | a    | A again |
`},
	{name: "consent-name", md: `
| survey |
|        | type | name              | label |
|        | text | consent.interview | Mine  |
`},
	{name: "names", md: `
| survey |
|        | type | name      | label |
|        | text | first-name| First name |
|        | text | 2nd       | Second |
|        | text | nolabel   |        |
|        | text |           | No name |
`},
	{name: "choice-list-missing", md: `
| survey |
|        | type            | name | label |
|        | select_one nope | a    | A     |
|        | text            | b    | B     |
`},
	{name: "nothing-carried", md: `
| survey |
|        | type     | name | label |
|        | geopoint | a    | A     |
`},
}
