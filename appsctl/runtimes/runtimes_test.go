package runtimes

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalendar(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Calendar {
		assert.False(t, seen[r.ID], "%s listed twice", r.ID)
		seen[r.ID] = true
		assert.NotEmpty(t, r.Family, r.ID)
		assert.NotEmpty(t, r.Cite, r.ID)
		if !r.Deprecation.IsZero() && !r.BlockCreate.IsZero() {
			assert.False(t, r.BlockCreate.Before(r.Deprecation), "%s: create blocked before deprecation", r.ID)
		}
		if !r.BlockCreate.IsZero() && !r.BlockUpdate.IsZero() {
			assert.False(t, r.BlockUpdate.Before(r.BlockCreate), "%s: update blocked before create", r.ID)
		}
	}
	for _, r := range Calendar {
		if r.DropIn != "" {
			s, ok := Lookup(r.DropIn)
			require.True(t, ok, "%s: drop-in %s not in the calendar", r.ID, r.DropIn)
			assert.Equal(t, r.Family, s.Family)
		}
	}
	_, ok := Lookup("nodejs99.x")
	assert.False(t, ok)
}

func date(s string) time.Time { return day(s) }

func TestStates(t *testing.T) {
	r, ok := Lookup("nodejs16.x")
	require.True(t, ok)
	tests := []struct {
		now                                          string
		deprecated, createBlocked, updateBlocked, ok bool
	}{
		{now: "2024-06-11", ok: true},
		{now: "2024-06-12", deprecated: true, ok: true},
		{now: "2027-02-01", deprecated: true, createBlocked: true},
		{now: "2027-03-03", deprecated: true, createBlocked: true, updateBlocked: true},
	}
	for _, tt := range tests {
		now := date(tt.now)
		assert.Equal(t, tt.deprecated, r.Deprecated(now), tt.now)
		assert.Equal(t, tt.createBlocked, r.CreateBlocked(now), tt.now)
		assert.Equal(t, tt.updateBlocked, r.UpdateBlocked(now), tt.now)
		assert.Equal(t, tt.ok, r.Accepted(now), tt.now)
	}
	goRow, _ := Lookup("go1.x")
	assert.True(t, goRow.UpdateBlocked(date("2024-02-08")), "retired, create blocked, no update date: blocked")
	assert.False(t, goRow.Accepted(date("2020-01-01")), "retired runtimes are never a target")
}

func TestOldestAccepted(t *testing.T) {
	tests := []struct {
		after, now, want string
	}{
		{after: "nodejs14.x", now: "2026-11-30", want: "nodejs16.x"},
		{after: "nodejs16.x", now: "2027-02-01", want: "nodejs22.x"},
		{after: "nodejs20.x", now: "2027-06-01", want: "nodejs24.x"},
		{after: "nodejs16.x", now: "2028-07-01", want: ""},
		{after: "", now: "2026-11-30", want: "nodejs16.x"},
	}
	for _, tt := range tests {
		r, ok := OldestAccepted(NodeJS, tt.after, date(tt.now))
		assert.Equal(t, tt.want != "", ok, "%s at %s", tt.after, tt.now)
		assert.Equal(t, tt.want, r.ID, "%s at %s", tt.after, tt.now)
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name, runtime, now string
		keep               bool
		action             Action
		target             string
		message            []string
	}{
		{name: "node before deprecation", runtime: "nodejs16.x", now: "2024-01-01", action: Keep, target: "nodejs16.x"},
		{name: "node deprecated, still accepted", runtime: "nodejs16.x", now: "2026-11-30", action: Warn, target: "nodejs16.x", message: []string{
			`function "f": runtime nodejs16.x is deprecated by AWS Lambda (deprecated since Jun 12, 2024; new functions blocked from Feb 1, 2027; updates blocked from Mar 3, 2027); it is deployed as nodejs16.x; move it to nodejs18.x or later`,
		}},
		{name: "node create blocked", runtime: "nodejs16.x", now: "2027-02-15", action: Migrate, target: "nodejs22.x", message: []string{
			`function "f": runtime nodejs16.x is no longer accepted by AWS Lambda (deprecated since Jun 12, 2024; new functions blocked since Feb 1, 2027; updates blocked from Mar 3, 2027); ` +
				`deploying it on nodejs22.x (the oldest Node.js runtime AWS accepts; same handler) — re-test the app on it; --keep-runtime keeps nodejs16.x`,
		}},
		{name: "node update blocked", runtime: "nodejs16.x", now: "2027-04-01", action: Migrate, target: "nodejs22.x", message: []string{
			"updates blocked since Mar 3, 2027", "deploying it on nodejs22.x", "re-test the app",
		}},
		{name: "node blocked, kept", runtime: "nodejs16.x", now: "2027-04-01", keep: true, action: Warn, target: "nodejs16.x", message: []string{
			"no longer accepted by AWS Lambda", "--keep-runtime: it is deployed as nodejs16.x, which AWS Lambda refuses to create or update; without --keep-runtime deploy uses nodejs22.x",
		}},
		{name: "node create blocked, kept", runtime: "nodejs16.x", now: "2027-02-15", keep: true, action: Warn, target: "nodejs16.x", message: []string{
			"which AWS Lambda refuses for new functions (an existing function can still be updated until Mar 3, 2027)",
		}},
		{name: "node14 today", runtime: "nodejs14.x", now: "2026-11-30", action: Migrate, target: "nodejs16.x", message: []string{
			"updates blocked since Feb 8, 2024", "deploying it on nodejs16.x",
		}},
		{name: "no node runtime left", runtime: "nodejs22.x", now: "2028-08-01", action: Warn, target: "nodejs22.x", message: []string{
			"it is deployed as nodejs22.x, which AWS Lambda refuses to create or update; move it to a current Node.js runtime",
		}},
		{name: "python blocked: warn only", runtime: "python3.8", now: "2027-04-01", action: Warn, target: "python3.8", message: []string{
			"no longer accepted by AWS Lambda", "it is deployed as python3.8, which AWS Lambda refuses to create or update; move it to python3.11 or later",
			"deploy does not migrate it: a new Python version is not a drop-in",
		}},
		{name: "python before deprecation", runtime: "python3.11", now: "2026-11-30", action: Keep, target: "python3.11"},
		{name: "dotnet deprecated", runtime: "dotnet6", now: "2026-11-30", action: Warn, target: "dotnet6", message: []string{
			"deprecated since Dec 20, 2024", "new functions blocked from Feb 1, 2027", "must be rebuilt",
		}},
		{name: "java8 retired: drop-in named", runtime: "java8", now: "2026-11-30", action: Warn, target: "java8", message: []string{
			"its block dates are not in appsctl's calendar", "java8.al2 is its drop-in successor",
		}},
		{name: "go1.x is gomigrate's", runtime: "go1.x", now: "2026-11-30", action: Keep, target: "go1.x"},
		{name: "unknown runtime", runtime: "nodejs99.x", now: "2026-11-30", action: Keep, target: "nodejs99.x"},
		{name: "current", runtime: "provided.al2023", now: "2026-11-30", action: Keep, target: "provided.al2023"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide("f", tt.runtime, date(tt.now), Options{KeepRuntime: tt.keep, Migrate: true})
			assert.Equal(t, tt.action, d.Action)
			assert.Equal(t, tt.runtime, d.Runtime)
			assert.Equal(t, tt.target, d.Target)
			if tt.action == Keep {
				assert.Empty(t, d.Message)
			}
			for _, m := range tt.message {
				assert.Contains(t, d.Message, m)
			}
		})
	}
}

func TestDropInMigrates(t *testing.T) {
	saved := Calendar
	t.Cleanup(func() { Calendar = saved })
	Calendar = []Runtime{
		{ID: "java8", Family: Java, Deprecation: date("2024-01-01"), BlockCreate: date("2024-02-01"), BlockUpdate: date("2024-03-01"), DropIn: "java8.al2", Cite: "test"},
		{ID: "java8.al2", Family: Java, Cite: "test"},
	}
	d := Decide("f", "java8", date("2024-02-15"), Options{Migrate: true})
	assert.Equal(t, Migrate, d.Action)
	assert.Equal(t, "java8.al2", d.Target)
	assert.Contains(t, d.Message, "deploying it on java8.al2 (its drop-in successor: same language version, same handler)")
	assert.Equal(t, Warn, Decide("f", "java8", date("2024-02-15"), Options{KeepRuntime: true, Migrate: true}).Action)
}

func TestDecideWithoutMigrate(t *testing.T) {
	for _, keep := range []bool{false, true} {
		d := Decide("f", "nodejs16.x", date("2027-04-01"), Options{KeepRuntime: keep})
		assert.Equal(t, Warn, d.Action)
		assert.Equal(t, "nodejs16.x", d.Target)
		assert.Contains(t, d.Message, "it is deployed as nodejs16.x, which AWS Lambda refuses to create or update; move it to nodejs22.x or later")
		assert.NotContains(t, d.Message, "--keep-runtime")
	}
}
