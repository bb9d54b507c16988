package applist

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/lambda-apps/lambda-apps/apps"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

func TestParseFunctionDescription(t *testing.T) {
	tests := []struct {
		desc   string
		want   awsnames.User
		wantOK bool
	}{
		{FunctionDescription("com.acme", "1.0", "main"), awsnames.User{AppID: "com.acme", Version: "1.0", Function: "main"}, true},
		{FunctionDescription("abc_1", "2", "fn"), awsnames.User{AppID: "abc_1", Version: "2", Function: "fn"}, true},
		{FunctionDescription("app", "", "my function, v2"), awsnames.User{AppID: "app", Version: "", Function: "my function, v2"}, true},
		{"", awsnames.User{}, false},
		{"Deployed by hand", awsnames.User{}, false},
		{"Mattermost app com.acme 1.0", awsnames.User{}, false},
		{"Mattermost app com.acme, function f", awsnames.User{}, false},
		{"Mattermost app  1, function f", awsnames.User{}, false},
		{"Mattermost app a b c, function f", awsnames.User{}, false},
		{"Mattermost app a 1, function ", awsnames.User{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			got, ok := ParseFunctionDescription(tt.desc)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAppVersionOf(t *testing.T) {
	m := &apps.Manifest{AppID: "abc", Version: "1_2", AWSLambda: &apps.AWSLambda{Functions: []apps.AWSLambdaFunction{{Name: "a"}, {Name: "b c"}}}}
	assert.Equal(t, awsnames.AppVersion{AppID: "abc", Version: "1_2", Functions: []string{"a", "b c"}}, AppVersionOf(m))
	assert.Equal(t, awsnames.AppVersion{AppID: "x", Version: "1"}, AppVersionOf(&apps.Manifest{AppID: "x", Version: "1"}))
}
