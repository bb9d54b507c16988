//go:build bench

package bench

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func pct(f float64) string { return fmt.Sprintf("%+.1f%%", f) }

func mbps(n int64, d time.Duration) string {
	return fmt.Sprintf("%.0f MB/s", float64(n)/1e6/d.Seconds())
}

// TestReport measures every hot path and prints the table. It fails only
// when something does not work, never because of a timing.
func TestReport(t *testing.T) {
	r := &report{}
	t.Run("calls", func(t *testing.T) { measureCalls(t, r, 5000) })
	t.Run("catalog", func(t *testing.T) { measureCatalog(t, r, 1000) })
	t.Run("static", func(t *testing.T) { measureStatic(t, r, 100<<20) })
	fmt.Fprintln(os.Stdout)
	r.print(os.Stdout)
}
