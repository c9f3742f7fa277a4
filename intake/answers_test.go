package intake

import (
	"strings"
	"testing"
)

// readAll collects what ReadAnswers hands over: the lines of readable
// intakes, and each unreadable line with its reason.
func readAll(t *testing.T, data string) (good []int, bad map[int]string, err error) {
	t.Helper()
	bad = map[int]string{}
	err = ReadAnswers(strings.NewReader(data), func(line int, _ AnswerSet, unreadable error) error {
		if unreadable != nil {
			bad[line] = unreadable.Error()
		} else {
			good = append(good, line)
		}
		return nil
	})
	return good, bad, err
}

// A line longer than MaxAnswersLine is refused with a sentence, without
// being kept, and the lines after it are still read.
func TestAnswersLongLine(t *testing.T) {
	long := `{"answers": {"person.name": "` + strings.Repeat("x", 2<<20) + `"}}`
	data := `{"answers": {}}` + "\n" + long + "\n" + `{"answers": {}}` + "\n"
	good, bad, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(good) != 2 || good[0] != 1 || good[1] != 3 || !strings.Contains(bad[2], "longer than 1024 KiB") {
		t.Fatalf("good lines %v, bad %v", good, bad)
	}
}

// Blank lines are skipped and counted; a file that is one object spanning
// lines, after blank lines, keeps its line numbers; CRLF line ends are
// read as line ends.
func TestAnswersShapes(t *testing.T) {
	good, bad, err := readAll(t, "\n\n{\"answers\": {}}\r\n\r\n{\"answers\": {}}\r\n")
	if err != nil || len(bad) != 0 || len(good) != 2 || good[0] != 3 || good[1] != 5 {
		t.Fatalf("JSON Lines with blank lines and CRLF: good %v, bad %v, %v", good, bad, err)
	}
	good, bad, err = readAll(t, "\n{\n  \"answers\": {\n    \"consent.interview\": false\n  }\n}\n")
	if err != nil || len(bad) != 0 || len(good) != 1 || good[0] != 2 {
		t.Fatalf("one object over lines: good %v, bad %v, %v", good, bad, err)
	}
	_, bad, _ = readAll(t, "\n{\n  \"answers\": {,\n}\n")
	if !strings.Contains(bad[3], "not valid JSON") {
		t.Fatalf("a syntax error in one object over lines: %v", bad)
	}
	// A broken first line is not mistaken for the start of one object
	// when the next line opens another.
	good, bad, _ = readAll(t, "{\"answers\": \n{\"answers\": {}}\n")
	if len(good) != 1 || good[0] != 2 || !strings.Contains(bad[1], "not valid JSON") {
		t.Fatalf("a broken first line: good %v, bad %v", good, bad)
	}
	if _, _, err := readAll(t, "\n \n"); err == nil || !strings.Contains(err.Error(), "holds no intake") {
		t.Fatalf("blank file: %v", err)
	}
}
