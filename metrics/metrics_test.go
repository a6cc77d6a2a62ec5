package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/metrics"
)

func TestRegistry(t *testing.T) {
	r := metrics.New()
	n := 0.0
	r.Counter("test_things_total", "Things.", func() float64 { return n })
	r.Gauge("test_level", "A level.", func() float64 { return 2.5 })
	r.Counters("test_polls_total", "Polls by outcome.", "outcome", func() map[string]float64 {
		return metrics.Uints(map[string]uint64{"ok": 3, "error": 1})
	})
	n = 7
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		"test_things_total 7", "test_level 2.5",
		`test_polls_total{outcome="error"} 1`, `test_polls_total{outcome="ok"} 3`,
		"# TYPE test_polls_total counter", "go_goroutines",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %q in\n%s", want, body)
		}
	}
}
