package awsnames

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// The names of an app version in AWS are not one-to-one: the manifest key
// and the static asset prefix join the app ID and the version with '_'
// (both may contain '_'), and the Lambda function name also replaces '.'
// in them and spaces in the function name with '-'. So app "com.acme" and
// app "com-acme" share their Lambda function names, and app "abc_1"
// version "2" and app "abc" version "1_2" share everything. The naming
// scheme is fixed (the Apps framework's, used by apps already deployed), so collisions are
// refused instead: FindCollisions finds them.

// AppVersion is one version of an app, as far as its names in AWS go.
type AppVersion struct {
	AppID   string
	Version string
	// Functions are the manifest names of the app's Lambda functions.
	Functions []string
}

// Same reports whether a and b are the same app version (same app ID and
// version): deploying one over the other is a re-deploy, not a collision.
func (a AppVersion) Same(b AppVersion) bool {
	return a.AppID == b.AppID && a.Version == b.Version
}

// String names the app version, e.g. `app "com.acme" version "1.0"`.
func (a AppVersion) String() string {
	return fmt.Sprintf("app %s version %s", strconv.Quote(a.AppID), strconv.Quote(a.Version))
}

// NameKind is a kind of name an app version uses in AWS.
type NameKind string

// The kinds of names that can collide.
const (
	KindManifestKey  NameKind = "manifest key"
	KindStaticPrefix NameKind = "static asset prefix"
	KindLambdaName   NameKind = "Lambda function name"
)

// User is what uses a name: an app version and, for a Lambda function name,
// one of its functions.
type User struct {
	AppID    string
	Version  string
	Function string // manifest function name; only for KindLambdaName
}

// String names the user, e.g. `function "f" of app "abc" version "1_2"`.
func (u User) String() string {
	s := AppVersion{AppID: u.AppID, Version: u.Version}.String()
	if u.Function != "" {
		s = fmt.Sprintf("function %s of %s", strconv.Quote(u.Function), s)
	}
	return s
}

// Collision is a name in AWS that two different things map to.
type Collision struct {
	Kind NameKind
	// Name is the name both map to, e.g. "manifests/abc_1_2.json".
	Name string
	// User is the one being checked (the app version to deploy).
	User User
	// Other is the one it collides with: a different app version, or
	// another function of the same app version.
	Other User
}

// String says what collides, naming both users.
func (c Collision) String() string {
	return fmt.Sprintf("%s %s: %s and %s", c.Kind, strconv.Quote(c.Name), c.User, c.Other)
}

// SameApp reports whether the collision is between two functions of the
// same app version.
func (c Collision) SameApp() bool {
	return c.User.AppID == c.Other.AppID && c.User.Version == c.Other.Version
}

// FindCollisions returns every name in AWS that app shares with something
// else, without I/O:
//
//   - two functions of app whose names map to the same Lambda function name
//     ("a b" and "a-b");
//   - a manifest key, static asset prefix or Lambda function name that app
//     shares with a different app version among others.
//
// An entry of others with the same app ID and version as app is that app
// version itself (a re-deploy) and never collides. Functions whose Lambda
// name cannot be built (invalid characters, reported by validation) are
// left out. The result is sorted by kind, name and the other's app ID,
// version and function.
func FindCollisions(app AppVersion, others []AppVersion) []Collision {
	var out []Collision
	mine := lambdaNames(app)
	for i, n := range mine {
		for _, prev := range mine[:i] {
			if prev.name == n.name && prev.function != n.function {
				out = append(out, Collision{
					Kind: KindLambdaName, Name: n.name,
					User:  User{AppID: app.AppID, Version: app.Version, Function: n.function},
					Other: User{AppID: app.AppID, Version: app.Version, Function: prev.function},
				})
				break
			}
		}
	}
	manifestKey, staticPrefix := ManifestKey(app.AppID, app.Version), StaticPrefix(app.AppID, app.Version)
	for _, o := range others {
		if o.Same(app) {
			continue
		}
		user, other := User{AppID: app.AppID, Version: app.Version}, User{AppID: o.AppID, Version: o.Version}
		if k := ManifestKey(o.AppID, o.Version); k == manifestKey {
			out = append(out, Collision{Kind: KindManifestKey, Name: k, User: user, Other: other})
		}
		if p := StaticPrefix(o.AppID, o.Version); p == staticPrefix {
			out = append(out, Collision{Kind: KindStaticPrefix, Name: p, User: user, Other: other})
		}
		theirs := lambdaNames(o)
		for _, n := range mine {
			for _, t := range theirs {
				if n.name == t.name {
					u, ot := user, other
					u.Function, ot.Function = n.function, t.function
					out = append(out, Collision{Kind: KindLambdaName, Name: n.name, User: u, Other: ot})
				}
			}
		}
	}
	out = slices.CompactFunc(sortCollisions(out), func(a, b Collision) bool { return a == b })
	return out
}

// kindOrder orders the kinds in reports.
var kindOrder = map[NameKind]int{KindManifestKey: 0, KindStaticPrefix: 1, KindLambdaName: 2}

func sortCollisions(cs []Collision) []Collision {
	slices.SortStableFunc(cs, func(a, b Collision) int {
		return cmp.Or(
			cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Other.AppID, b.Other.AppID),
			cmp.Compare(a.Other.Version, b.Other.Version),
			cmp.Compare(a.Other.Function, b.Other.Function),
			cmp.Compare(a.User.Function, b.User.Function),
		)
	})
	return cs
}

type lambdaName struct{ function, name string }

// lambdaNames returns the Lambda function names of app's functions, in
// order, leaving out the functions whose name cannot be built.
func lambdaNames(app AppVersion) []lambdaName {
	out := make([]lambdaName, 0, len(app.Functions))
	for _, fn := range app.Functions {
		if name, err := LambdaName(app.AppID, app.Version, fn); err == nil {
			out = append(out, lambdaName{function: fn, name: name})
		}
	}
	return out
}
