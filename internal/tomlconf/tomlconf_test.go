package tomlconf

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeBounds(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		err      error // nil: decodes
		wantLine int
	}{
		{"small", "[a]\nb = 1\n", nil, 0},
		{"many keys in one table", "[a]\n" + strings.Repeat("k = 1\n", 6000), ErrTooComplex, 0},
		{"many keys in an inline table", "a = {" + strings.Repeat("k=1, ", 6000) + "}\n", ErrTooComplex, 0},
		{"many tables", strings.Repeat("[t]\n", 6000), ErrTooComplex, 0},
		{"keys spread over tables", strings.Repeat("[t]\nk = 1\nj = 2\n", 1000), nil, 0},
		{"syntax error", "a = 1\n\nb = [\n", nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v map[string]any
			err := Decode([]byte(tt.doc), &v)
			switch {
			case tt.err != nil:
				if !errors.Is(err, tt.err) {
					t.Errorf("Decode = %v, want %v", err, tt.err)
				}
			case tt.wantLine > 0:
				if got := ErrorLine(err); got != tt.wantLine {
					t.Errorf("ErrorLine(Decode) = %d (%v), want %d", got, err, tt.wantLine)
				}
			case errors.Is(err, ErrTooComplex):
				t.Errorf("Decode = %v, want it decoded", err)
			}
		})
	}
}
