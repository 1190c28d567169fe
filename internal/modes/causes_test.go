package modes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBlockerCauses(t *testing.T) {
	got := BlockerCauses([]string{
		"lib.backend._eventlet", "lib.backend._eventlet.loop", "lib.backend._eventlet.x.y", // under a blocking package
		"lib.hubs.a", "lib.hubs.b", // siblings: named by their package
		"lib.alone", // alone under lib once lib.hubs.* are grouped
		"solo",      // top level
	})
	want := map[string]string{
		"lib.backend._eventlet":      "lib.backend._eventlet",
		"lib.backend._eventlet.loop": "lib.backend._eventlet",
		"lib.backend._eventlet.x.y":  "lib.backend._eventlet",
		"lib.hubs.a":                 "lib.hubs",
		"lib.hubs.b":                 "lib.hubs",
		"lib.alone":                  "lib.alone",
		"solo":                       "solo",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BlockerCauses (-want +got):\n%s", diff)
	}
}
