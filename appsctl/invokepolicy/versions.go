package invokepolicy

import (
	"sort"
	"time"
)

// MaxVersions is the most versions IAM keeps of a managed policy.
const MaxVersions = 5

// Version is one stored version of a managed policy.
type Version struct {
	ID      string
	Default bool
	Created time.Time
}

// VersionsToDelete returns the IDs of the versions to delete, oldest first,
// so that one more version can be created without exceeding max versions.
// The default version is never deleted.
func VersionsToDelete(versions []Version, maxVersions int) []string {
	excess := len(versions) + 1 - maxVersions
	if excess <= 0 {
		return nil
	}
	candidates := make([]Version, 0, len(versions))
	for _, v := range versions {
		if !v.Default {
			candidates = append(candidates, v)
		}
	}
	sort.SliceStable(candidates, func(i, j int) bool { return older(candidates[i], candidates[j]) })
	ids := make([]string, 0, excess)
	for _, v := range candidates[:min(excess, len(candidates))] {
		ids = append(ids, v.ID)
	}
	return ids
}

// older orders versions by creation time, then by version number ("v2"
// before "v10") for equal times.
func older(a, b Version) bool {
	if !a.Created.Equal(b.Created) {
		return a.Created.Before(b.Created)
	}
	if len(a.ID) != len(b.ID) {
		return len(a.ID) < len(b.ID)
	}
	return a.ID < b.ID
}
