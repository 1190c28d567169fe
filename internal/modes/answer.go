package modes

import "fmt"

// Answer is a yes, a no, or unknown: one of Answers. Its JSON is true,
// false or null; unknown is the zero value, so a field tagged omitempty
// leaves it out.
type Answer uint8

// Answers.
const (
	AnswerUnknown Answer = iota
	AnswerYes
	AnswerNo
)

// Answers is the closed set of answers.
var Answers = []Answer{AnswerUnknown, AnswerYes, AnswerNo}

// AnswerOf is the answer b gives.
func AnswerOf(b bool) Answer {
	if b {
		return AnswerYes
	}
	return AnswerNo
}

// String is yes, no or unknown.
func (a Answer) String() string {
	switch a {
	case AnswerUnknown:
		return "unknown"
	case AnswerYes:
		return "yes"
	case AnswerNo:
		return "no"
	}
	return fmt.Sprintf("Answer(%d)", uint8(a))
}

// MarshalJSON writes true, false or null.
func (a Answer) MarshalJSON() ([]byte, error) {
	switch a {
	case AnswerUnknown:
		return []byte("null"), nil
	case AnswerYes:
		return []byte("true"), nil
	case AnswerNo:
		return []byte("false"), nil
	}
	return nil, fmt.Errorf("modes: no JSON for %v", a)
}

// UnmarshalJSON reads true, false or null.
func (a *Answer) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*a = AnswerUnknown
	case "true":
		*a = AnswerYes
	case "false":
		*a = AnswerNo
	default:
		return fmt.Errorf("modes: answer %s is not true, false or null", b)
	}
	return nil
}
