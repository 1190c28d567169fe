package modes

import (
	"strings"
	"testing"
	"time"
)

func TestComputeStage(t *testing.T) {
	now := date(2026, 11, 23)
	tests := []struct {
		name     string
		services []ServiceMode
		req, imp bool
		want     int
		blocking string
		timeline string
		unknown  string
	}{
		{"eventlet only", []ServiceMode{{"a", EventletOnly}, {"b", DualDefaultThreading}}, true, true, 0, "a", "behind", ""},
		{"eventlet default", []ServiceMode{{"a", DualDefaultEventlet}, {"b", ThreadingOnly}}, true, true, 1, "a", "behind", ""},
		{"threading default", []ServiceMode{{"a", DualDefaultThreading}}, true, true, 2, "a", "on track", ""},
		{"requirement left", []ServiceMode{{"a", ThreadingOnly}}, true, false, 2, "", "on track", ""},
		{"removed", []ServiceMode{{"a", ThreadingOnly}}, false, false, 3, "", "on track", ""},
		{"library without services", nil, false, true, 2, "", "on track", ""},
		// A service whose mode is unknown may still default to eventlet.
		{"threading default, one unknown", []ServiceMode{{"a", DualDefaultThreading}, {"b", Unknown}}, true, true, 2, "a", "undetermined", "b"},
		{"removed, one unknown", []ServiceMode{{"a", ThreadingOnly}, {"c", Unknown}, {"b", Unknown}}, false, false, 3, "", "undetermined", "b,c"},
		{"behind whatever the unknown", []ServiceMode{{"a", EventletOnly}, {"b", Unknown}}, true, true, 0, "a", "behind", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := ComputeStage(tt.services, tt.req, tt.imp, now)
			if st.Stage == nil || *st.Stage != tt.want || strings.Join(st.BlockingServices, ",") != tt.blocking || !strings.HasPrefix(st.Timeline, tt.timeline) ||
				strings.Join(st.UnknownServices, ",") != tt.unknown {
				t.Errorf("ComputeStage = %+v, want stage %d blocking %q timeline %q... unknown %q", st, tt.want, tt.blocking, tt.timeline, tt.unknown)
			}
			if tt.unknown != "" && !strings.Contains(st.Summary, "unknown: "+strings.ReplaceAll(tt.unknown, ",", ", ")) {
				t.Errorf("ComputeStage summary = %q, want it to name the unknown services", st.Summary)
			}
		})
	}
	late := ComputeStage([]ServiceMode{{"a", DualDefaultEventlet}}, true, true, date(2027, 6, 1))
	if !strings.HasPrefix(late.Timeline, "late") {
		t.Errorf("after 2027.1: timeline %q, want late", late.Timeline)
	}
}

func TestCurrentSeries(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want string
	}{{date(2026, 3, 31), "2026.1"}, {date(2026, 4, 1), "2026.2"}, {date(2026, 11, 23), "2027.1"}} {
		if got := CurrentSeries(tt.t).Name; got != tt.want {
			t.Errorf("CurrentSeries(%v) = %s, want %s", tt.t.Format("2006-01-02"), got, tt.want)
		}
	}
}
