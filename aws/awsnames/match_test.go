package awsnames

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/apps"
)

func TestMatchFunction(t *testing.T) {
	// The functions of the legacy ServiceNow bundle, plus deeper ones.
	serviceNow := []apps.AWSLambdaFunction{
		{Path: "/", Name: "function1"},
		{Path: "/js", Name: "function2"},
		{Path: "/go", Name: "function with spaces"},
		{Path: "/go", Name: "function-with-very-very-very-very-very-very-very-long-name"},
		{Path: "/js/deep/", Name: "deep"},
	}
	noRoot := []apps.AWSLambdaFunction{
		{Path: "/a", Name: "a"},
		{Path: "/a/b", Name: "ab"},
	}
	tests := []struct {
		name      string
		functions []apps.AWSLambdaFunction
		path      string
		want      string // "" means no match
	}{
		{"root", serviceNow, "/", "function1"},
		{"anything falls back to root", serviceNow, "/ping", "function1"},
		{"segment", serviceNow, "/js", "function2"},
		{"under segment", serviceNow, "/js/send", "function2"},
		{"not a segment prefix", serviceNow, "/jsx", "function1"},
		{"tie goes to first listed", serviceNow, "/go/x", "function with spaces"},
		{"trailing slash in manifest ignored", serviceNow, "/js/deep", "deep"},
		{"deeper wins", serviceNow, "/js/deep/er", "deep"},
		{"trailing slash in call", serviceNow, "/js/", "function2"},
		{"call path cleaned", serviceNow, "/go/../js/x", "function2"},
		{"relative call path", serviceNow, "js/x", "function2"},
		{"empty call path", serviceNow, "", "function1"},
		{"no root: exact", noRoot, "/a", "a"},
		{"no root: longest", noRoot, "/a/b/c", "ab"},
		{"no root: partial segment", noRoot, "/a/bc", "a"},
		{"no root: no match", noRoot, "/ab", ""},
		{"no root: no match at root", noRoot, "/", ""},
		{"no functions", nil, "/", ""},
		{"function without path never matches", []apps.AWSLambdaFunction{{Name: "x"}}, "/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, ok := MatchFunction(tt.functions, tt.path)
			if tt.want == "" {
				assert.False(t, ok, "matched %q", fn.Name)
				return
			}
			assert.True(t, ok)
			assert.Equal(t, tt.want, fn.Name)
		})
	}
}
