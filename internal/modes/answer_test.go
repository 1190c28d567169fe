package modes

import (
	"encoding/json"
	"testing"
)

// TestAnswerJSON: an answer is written as the *bool it replaced was (true,
// false, null, or left out under omitempty) and read back, and anything
// else is refused.
func TestAnswerJSON(t *testing.T) {
	type doc struct {
		Free Answer `json:"free"`
		Opt  Answer `json:"opt,omitempty"`
	}
	for _, tc := range []struct {
		a    Answer
		want string
	}{
		{AnswerYes, `{"free":true,"opt":true}`},
		{AnswerNo, `{"free":false,"opt":false}`},
		{AnswerUnknown, `{"free":null}`},
	} {
		b, err := json.Marshal(doc{tc.a, tc.a})
		if err != nil || string(b) != tc.want {
			t.Errorf("%v: %s (%v), want %s", tc.a, b, err, tc.want)
		}
		var back doc
		if err := json.Unmarshal(b, &back); err != nil || back.Free != tc.a || back.Opt != tc.a {
			t.Errorf("%v: read back %+v (%v)", tc.a, back, err)
		}
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"free":"yes"}`), &d); err == nil {
		t.Errorf(`{"free":"yes"} read as %v, want an error`, d.Free)
	}
	if _, err := json.Marshal(doc{Free: Answer(7)}); err == nil {
		t.Error("Answer(7) marshalled, want an error")
	}
}
