package pysem

import "testing"

func TestOptionPatterns(t *testing.T) {
	for _, c := range []struct{ in, pct, brace string }{
		{"%s_manager", "*_manager", "%s_manager"},
		{"%(topic)s_manager", "*_manager", "%(topic)s_manager"},
		{"{}_driver", "{}_driver", "*_driver"},
		{"{name}_x_{n}", "{name}_x_{n}", "*_x_*"},
		{"100%%_%d", "100%_*", "100%%_%d"},
		{"plain", "plain", "plain"},
	} {
		if got := percentPattern(c.in); got != c.pct {
			t.Errorf("percentPattern(%q) = %q, want %q", c.in, got, c.pct)
		}
		if got := bracePattern(c.in); got != c.brace {
			t.Errorf("bracePattern(%q) = %q, want %q", c.in, got, c.brace)
		}
	}
	for _, c := range []struct {
		pattern, name string
		want          bool
	}{
		{"*_manager", "volume_manager", true},
		{"*_manager", "volume_driver", false},
		{"*_manager", "_manager", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	} {
		if got := matchPattern(c.pattern, c.name); got != c.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}
