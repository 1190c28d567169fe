package modes

import "testing"

// TestDeadlinesAgree keeps the constants the stage uses in step with the
// timeline table, and every deadline on a series of the series table.
func TestDeadlinesAgree(t *testing.T) {
	known := map[string]bool{}
	for _, s := range SeriesTable {
		known[s.Name] = true
	}
	threading, removed := false, false
	for _, d := range append(Deadlines, EarlyDeprecation) {
		if !known[d.Series] {
			t.Errorf("deadline %q falls on %s, not in SeriesTable", d.Requires, d.Series)
		}
		if d.Source == "" || d.Line <= 0 {
			t.Errorf("deadline %q has no source line", d.Requires)
		}
		threading = threading || d.Series == ThreadingDefaultBy && d.MinStage == 2 && d.Source == PTGSource
		removed = removed || d.Series == EventletRemovedBy && d.MinStage == 3
	}
	if !threading || !removed {
		t.Errorf("Deadlines lacks ThreadingDefaultBy %s (PTG, stage 2) or EventletRemovedBy %s (stage 3)", ThreadingDefaultBy, EventletRemovedBy)
	}
	for i := 1; i < len(SeriesTable); i++ {
		if !SeriesTable[i-1].Release.Before(SeriesTable[i].Release) || SeriesTable[i-1].Name >= SeriesTable[i].Name {
			t.Errorf("SeriesTable not in order at %s", SeriesTable[i].Name)
		}
	}
}

func TestIsSLURP(t *testing.T) {
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"2023.1", true}, {"2026.1", true}, {"2027.1", true},
		{"2026.2", false}, {"2022.1", false}, {"zed", false}, {"", false},
		{"2026.10", false}, {"20a6.1", false}, {"12026.1", false}, {"2026", false},
	} {
		if got := IsSLURP(tt.id); got != tt.want {
			t.Errorf("IsSLURP(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
	if got := (Series{Name: "2025.1"}).SLURP(); !got {
		t.Errorf("Series{2025.1}.SLURP() = %v, want true", got)
	}
}
