package apps

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0.0", "1.0.0", 0},
		{"0.1.0", "0.2.0", -1},
		{"1.10.0", "1.9.0", 1}, // numeric, not lexical
		{"v1.2.0", "1.1.9", 1}, // optional leading v
		{"V2", "v1.9.9", 1},
		{"2", "1.99", 1},           // missing minor/patch
		{"1.2", "1.2.1", -1},       // 1.2 is 1.2.0
		{"1.0.0-rc1", "1.0.0", -1}, // prerelease below release
		{"1.0.0", "1.0.0-rc1", 1},
		{"1.0.0-alpha", "1.0.0-alpha.1", -1},
		{"1.0.0-alpha.1", "1.0.0-alpha.beta", -1}, // numeric identifiers below alphanumeric
		{"1.0.0-alpha.beta", "1.0.0-beta", -1},
		{"1.0.0-beta.2", "1.0.0-beta.11", -1},
		{"1.0.0-rc.1", "1.0.0", -1},
		{"v00.00.001", "v00.00.000", 1}, // leading zeros tolerated
		{"99999999999999999999.0", "9.0", 1},
		{"1.0.0+build2", "1.0.0+build1", 1}, // equal by semver, tie broken lexically
		{"1.0", "1.0.0", -1},                // equal by semver, tie broken lexically
		{"latest", "1.0.0", -1},             // a semantic version beats a label
		{"1.0.0", "dev", 1},
		{"beta", "alpha", 1}, // neither parses: lexical
		{"v00_00_000", "v00_00_001", -1},
		{"", "0.0.1", -1},
		{"", "", 0},
		{"1.2.3.4", "1.2.3.5", -1}, // four parts do not parse: lexical
		{"1.0.0-", "1.0.0", -1},    // empty prerelease does not parse: below any version
		{"1..0", "1.0", -1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			assert.Equal(t, tt.want, CompareVersions(tt.a, tt.b))
			assert.Equal(t, -tt.want, CompareVersions(tt.b, tt.a), "antisymmetric")
		})
	}
}

func TestCompareVersionsSortsHighestLast(t *testing.T) {
	versions := []string{"1.10.0", "v1.2.0", "dev", "1.9.0", "1.10.0-rc.1", "0.1.0", "2", "1.9"}
	sort.Slice(versions, func(i, j int) bool { return CompareVersions(versions[i], versions[j]) < 0 })
	assert.Equal(t, []string{"dev", "0.1.0", "v1.2.0", "1.9", "1.9.0", "1.10.0-rc.1", "1.10.0", "2"}, versions)
}

// TestCompareVersionsTotalOrder checks on every triple of a mixed set that
// the order is antisymmetric and transitive, so sorting is well defined.
func TestCompareVersionsTotalOrder(t *testing.T) {
	vs := []string{"", "1", "1.0", "1.0.0", "v1.0.0", "1.10", "1.9", "1.5z", "1.9x", "abc", "1.0.0-rc.1",
		"1.0.0-rc.2", "1.0.0-rc", "1.0.0+b", "v2", "V2", "2.0.0-0", "0.0.0", "x1.0"}
	for _, a := range vs {
		for _, b := range vs {
			ab := CompareVersions(a, b)
			assert.Equal(t, -ab, CompareVersions(b, a), "%q vs %q", a, b)
			assert.Equal(t, a == b, ab == 0, "%q vs %q", a, b)
			for _, c := range vs {
				if ab < 0 && CompareVersions(b, c) < 0 {
					assert.Negative(t, CompareVersions(a, c), "%q < %q < %q", a, b, c)
				}
			}
		}
	}
}
