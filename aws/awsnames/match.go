package awsnames

import (
	"path"
	"strings"

	"github.com/lambda-apps/lambda-apps/apps"
)

// MatchFunction picks the function that serves callPath: the one whose path
// is the longest match by whole segments ("/a" matches "/a" and "/a/b" but
// not "/ab"; "/" matches every path). A trailing slash in a function path is
// ignored. Ties go to the function listed first. The call path is cleaned
// ("/a/../b" is "/b") before matching.
func MatchFunction(functions []apps.AWSLambdaFunction, callPath string) (apps.AWSLambdaFunction, bool) {
	p := path.Clean("/" + callPath)
	best, bestLen := -1, -1
	for i, fn := range functions {
		if fn.Path == "" || !apps.HasPathPrefix(p, fn.Path) {
			continue
		}
		if l := len(strings.TrimRight(fn.Path, "/")); l > bestLen {
			best, bestLen = i, l
		}
	}
	if best < 0 {
		return apps.AWSLambdaFunction{}, false
	}
	return functions[best], true
}
