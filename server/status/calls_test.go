package status

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lambda-apps/lambda-apps/aws/s3store"
	"github.com/lambda-apps/lambda-apps/server/appcall"
	"github.com/lambda-apps/lambda-apps/server/callstats"
	"github.com/lambda-apps/lambda-apps/server/catalog"
	"github.com/lambda-apps/lambda-apps/server/config"
	"github.com/lambda-apps/lambda-apps/server/store"
)

type noAWS struct{}

func (noAWS) Config() *config.Config {
	return config.Load(config.Settings{}, func(string) string { return "" })
}
func (noAWS) S3API() s3store.HeadBucketAPI { return nil }

type emptyCatalog struct{}

func (emptyCatalog) Status() catalog.Status { return catalog.Status{} }

type noApps struct{}

func (noApps) List() []*store.InstalledApp { return nil }

func TestReportHasAppCalls(t *testing.T) {
	started := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	stats := callstats.New(callstats.Options{Now: func() time.Time { return started }})
	tests := []struct {
		name    string
		calls   CallStats
		record  bool
		want    []string
		notWant []string
	}{
		{"not counted", nil, false, nil, []string{"App calls"}},
		{"no calls yet", stats, false, []string{"##### App calls on this node since 2026-11-30T12:00:00Z", "No calls yet."}, nil},
		// p99 is 1 s: the bucket bound 1.024 s, clamped to the largest call.
		{"calls", stats, true, []string{
			"| App | Calls (1 h) | Errors (1 h) | p50 / p99 (1 h) | Calls | Errors |",
			"| `hello` | 2 | 1 | 2.00 ms / 1.00 s | 2 | 1 |",
			"`/apps info <app_id>`",
		}, []string{"No calls yet."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.record {
				stats.Record("hello", "/greet", appcall.OutcomeOK, 2*time.Millisecond)
				stats.Record("hello", "/greet", appcall.OutcomeTimeout, time.Second)
			}
			r := (&Reporter{Version: "1", AWS: noAWS{}, Catalog: emptyCatalog{}, Apps: noApps{}, Calls: tt.calls}).Report(context.Background())
			md := r.Markdown()
			for _, w := range tt.want {
				assert.Contains(t, md, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, md, w)
			}
			if tt.record {
				require.Len(t, r.AppCalls, 1)
				assert.Equal(t, map[string]uint64{"ok": 1, "timeout": 1}, r.AppCalls[0].SinceStart.Outcomes)
			}
			// Users who are not admins never see the counts.
			pub, err := json.Marshal(r.Public())
			require.NoError(t, err)
			assert.NotContains(t, string(pub), "hello")
			assert.False(t, strings.Contains(r.Public().Markdown(), "calls"))
		})
	}
}
