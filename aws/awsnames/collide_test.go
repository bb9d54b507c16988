package awsnames

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFindCollisions(t *testing.T) {
	long := strings.Repeat("f", 60) // hashed into a 64-character name
	tests := []struct {
		name   string
		app    AppVersion
		others []AppVersion
		want   []string // Collision.String of each, in order
	}{
		{
			name:   "dots and dashes in the app ID share the Lambda names only",
			app:    AppVersion{AppID: "com.acme", Version: "1.0", Functions: []string{"main", "other"}},
			others: []AppVersion{{AppID: "com-acme", Version: "1.0", Functions: []string{"main"}}},
			want: []string{
				`Lambda function name "com-acme_1-0_main": function "main" of app "com.acme" version "1.0" and function "main" of app "com-acme" version "1.0"`,
			},
		},
		{
			name:   "'_' moved between app ID and version shares everything",
			app:    AppVersion{AppID: "abc", Version: "1_2", Functions: []string{"fn"}},
			others: []AppVersion{{AppID: "abc_1", Version: "2", Functions: []string{"fn"}}},
			want: []string{
				`manifest key "manifests/abc_1_2.json": app "abc" version "1_2" and app "abc_1" version "2"`,
				`static asset prefix "static/abc_1_2_app/": app "abc" version "1_2" and app "abc_1" version "2"`,
				`Lambda function name "abc_1_2_fn": function "fn" of app "abc" version "1_2" and function "fn" of app "abc_1" version "2"`,
			},
		},
		{
			name:   "'_' moved between app ID and version, other functions: keys only",
			app:    AppVersion{AppID: "abc_1", Version: "2", Functions: []string{"a"}},
			others: []AppVersion{{AppID: "abc", Version: "1_2", Functions: []string{"b"}}},
			want: []string{
				`manifest key "manifests/abc_1_2.json": app "abc_1" version "2" and app "abc" version "1_2"`,
				`static asset prefix "static/abc_1_2_app/": app "abc_1" version "2" and app "abc" version "1_2"`,
			},
		},
		{
			name:   "'_' moved between version and function name",
			app:    AppVersion{AppID: "app", Version: "1", Functions: []string{"x_y"}},
			others: []AppVersion{{AppID: "app", Version: "1_x", Functions: []string{"y"}}},
			want: []string{
				`Lambda function name "app_1_x_y": function "x_y" of app "app" version "1" and function "y" of app "app" version "1_x"`,
			},
		},
		{
			name:   "empty version",
			app:    AppVersion{AppID: "abc_", Version: "", Functions: []string{"f"}},
			others: []AppVersion{{AppID: "abc", Version: "_", Functions: []string{"f"}}},
			want: []string{
				`manifest key "manifests/abc__.json": app "abc_" version "" and app "abc" version "_"`,
				`static asset prefix "static/abc___app/": app "abc_" version "" and app "abc" version "_"`,
				`Lambda function name "abc___f": function "f" of app "abc_" version "" and function "f" of app "abc" version "_"`,
			},
		},
		{
			name:   "hashed long names collide too",
			app:    AppVersion{AppID: "a.b", Version: "1", Functions: []string{long}},
			others: []AppVersion{{AppID: "a-b", Version: "1", Functions: []string{long}}},
			want: []string{
				`Lambda function name "` + mustLambdaName(t, "a.b", "1", long) + `": function "` + long + `" of app "a.b" version "1" and function "` + long + `" of app "a-b" version "1"`,
			},
		},
		{
			name: "two functions of the bundle: space and dash",
			app:  AppVersion{AppID: "app", Version: "1", Functions: []string{"my fn", "other", "my-fn"}},
			want: []string{
				`Lambda function name "app_1_my-fn": function "my-fn" of app "app" version "1" and function "my fn" of app "app" version "1"`,
			},
		},
		{
			name: "same app and version is a re-deploy",
			app:  AppVersion{AppID: "abc", Version: "1_2", Functions: []string{"fn"}},
			others: []AppVersion{
				{AppID: "abc", Version: "1_2", Functions: []string{"fn", "old"}},
				{AppID: "abc", Version: "1_3", Functions: []string{"fn"}},
				{AppID: "abd", Version: "1_2", Functions: []string{"fn"}},
			},
		},
		{
			name: "case differs: no collision",
			app:  AppVersion{AppID: "com.Acme", Version: "1", Functions: []string{"f"}},
			others: []AppVersion{
				{AppID: "com.acme", Version: "1", Functions: []string{"f"}},
			},
		},
		{
			name:   "duplicate function names are left to validation",
			app:    AppVersion{AppID: "app", Version: "1", Functions: []string{"f", "f"}},
			others: nil,
		},
		{
			name:   "invalid function names are left to validation",
			app:    AppVersion{AppID: "app", Version: "1", Functions: []string{"f/1", "f/1", "g"}},
			others: []AppVersion{{AppID: "app", Version: "2", Functions: []string{"f/1"}}},
		},
		{
			name: "several other apps, sorted",
			app:  AppVersion{AppID: "x.y", Version: "1", Functions: []string{"f"}},
			others: []AppVersion{
				{AppID: "x-y", Version: "1", Functions: []string{"f"}},
				{AppID: "x.y", Version: "1", Functions: []string{"f"}},
				{AppID: "x-y", Version: "1.0", Functions: []string{"f"}},
				{AppID: "x_y", Version: "1", Functions: []string{"f"}},
				{AppID: "x", Version: "y_1", Functions: []string{"f"}},
			},
			want: []string{
				`Lambda function name "x-y_1_f": function "f" of app "x.y" version "1" and function "f" of app "x-y" version "1"`,
			},
		},
		{
			name: "both kinds at once",
			app:  AppVersion{AppID: "a_b", Version: "1", Functions: []string{"c d", "c-d"}},
			others: []AppVersion{
				{AppID: "a", Version: "b_1", Functions: []string{"c d"}},
			},
			want: []string{
				`manifest key "manifests/a_b_1.json": app "a_b" version "1" and app "a" version "b_1"`,
				`static asset prefix "static/a_b_1_app/": app "a_b" version "1" and app "a" version "b_1"`,
				`Lambda function name "a_b_1_c-d": function "c d" of app "a_b" version "1" and function "c d" of app "a" version "b_1"`,
				`Lambda function name "a_b_1_c-d": function "c-d" of app "a_b" version "1" and function "c d" of app "a" version "b_1"`,
				`Lambda function name "a_b_1_c-d": function "c-d" of app "a_b" version "1" and function "c d" of app "a_b" version "1"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindCollisions(tt.app, tt.others)
			var lines []string
			for _, c := range got {
				lines = append(lines, c.String())
				assert.NotEqual(t, c.User, c.Other, "a collision names two different users")
			}
			assert.Equal(t, tt.want, lines)
		})
	}
}

// TestFindCollisionsNamesMatch checks every reported collision against the
// name builders: both users really map to the reported name.
func TestFindCollisionsNamesMatch(t *testing.T) {
	app := AppVersion{AppID: "abc", Version: "1_2", Functions: []string{"fn", "f n", "f-n"}}
	others := []AppVersion{
		{AppID: "abc_1", Version: "2", Functions: []string{"fn"}},
		{AppID: "abc", Version: "1", Functions: []string{"2_fn"}},
	}
	got := FindCollisions(app, others)
	assert.Len(t, got, 5)
	for _, c := range got {
		for _, u := range []User{c.User, c.Other} {
			var name string
			switch c.Kind {
			case KindManifestKey:
				name = ManifestKey(u.AppID, u.Version)
			case KindStaticPrefix:
				name = StaticPrefix(u.AppID, u.Version)
			case KindLambdaName:
				name = mustLambdaName(t, u.AppID, u.Version, u.Function)
			}
			assert.Equal(t, c.Name, name, "%s", c)
		}
		isLambda := c.Kind == KindLambdaName
		assert.Equal(t, isLambda, c.User.Function != "", "%s", c)
		assert.Equal(t, isLambda, c.Other.Function != "", "%s", c)
	}
}

func TestCollisionSameApp(t *testing.T) {
	tests := []struct {
		c    Collision
		want bool
	}{
		{Collision{User: User{AppID: "a", Version: "1", Function: "x y"}, Other: User{AppID: "a", Version: "1", Function: "x-y"}}, true},
		{Collision{User: User{AppID: "a", Version: "1_2"}, Other: User{AppID: "a_1", Version: "2"}}, false},
		{Collision{User: User{AppID: "a.b", Version: "1", Function: "f"}, Other: User{AppID: "a-b", Version: "1", Function: "f"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.c.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, tt.c.SameApp())
		})
	}
}

func mustLambdaName(t *testing.T, appID, version, function string) string {
	t.Helper()
	name, err := LambdaName(appID, version, function)
	if err != nil {
		t.Fatalf("LambdaName(%q, %q, %q): %v", appID, version, function, err)
	}
	return name
}
